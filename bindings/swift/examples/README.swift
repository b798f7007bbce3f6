// The Swift example of README.md (tests/readme/run.sh checks the README block is contained in this file).
// Not compiled here: this project's machines have no Swift toolchain. keyURL, secret and token are the app's.

import Foundation

let signer = try SnapSigner(privateKey: try Data(contentsOf: keyURL))
let ts = try nowTimestamp(offsetMinutes: 420, withMillis: false)
var request = URLRequest(url: URL(string: "https://api.example.co.id/v1.0/access-token/b2b")!)
request.httpMethod = "POST"
for (name, value) in try tokenRequestHeaders(signer: signer, clientId: "MCPD00000006", timestamp: ts) {
    request.setValue(value, forHTTPHeaderField: name)
}
request.httpBody = Data(#"{"grantType":"client_credentials"}"#.utf8)

let body = Data(#"{"partnerReferenceNo":"2020102900000000000001"}"#.utf8)
let signature = try signTransaction(clientSecret: secret, method: "POST", path: "/v1.0/balance-inquiry",
                                    accessToken: token, body: body, timestamp: ts)
do {
    _ = try minifyJson(body: Data(#"{"a" 1}"#.utf8))
} catch SnapError.InvalidJson(let offset, let reason) {
    print("bad JSON at byte \(offset): \(reason)")
}
