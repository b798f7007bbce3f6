// Tests of the generated Kotlin bindings (package id.snapsign) against libsnapsign on the JVM.
//
// Plain Kotlin, no test framework (Maven Central is not reachable here): every check is counted
// and the run ends with "N passed, M failed"; the exit status is 1 when anything failed.
//
// usage: kotlin -cp snapsign.jar:jna.jar:snapsign-test.jar -Djna.library.path=DIR \
//            id.snapsign.test.SnapSignTestKt <repo root>
package id.snapsign.test

import id.snapsign.*
import java.io.File
import java.util.Base64
import kotlin.system.exitProcess

// ---------------------------------------------------------------- a tiny JSON reader (vectors)

private class Json(private val s: String) {
    private var i = 0

    fun parse(): Any? {
        val v = value()
        ws()
        require(i == s.length) { "trailing data at $i" }
        return v
    }

    private fun ws() {
        while (i < s.length && s[i] in " \t\r\n") i++
    }

    private fun value(): Any? {
        ws()
        return when (s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> { i += 4; true }
            'f' -> { i += 5; false }
            'n' -> { i += 4; null }
            else -> num()
        }
    }

    private fun obj(): Map<String, Any?> {
        val m = LinkedHashMap<String, Any?>()
        i++
        ws()
        if (s[i] == '}') { i++; return m }
        while (true) {
            ws()
            val k = str()
            ws(); check(s[i++] == ':')
            m[k] = value()
            ws()
            if (s[i++] == '}') return m
        }
    }

    private fun arr(): List<Any?> {
        val l = ArrayList<Any?>()
        i++
        ws()
        if (s[i] == ']') { i++; return l }
        while (true) {
            l.add(value())
            ws()
            if (s[i++] == ']') return l
        }
    }

    private fun str(): String {
        check(s[i++] == '"')
        val b = StringBuilder()
        while (true) {
            val c = s[i++]
            when (c) {
                '"' -> return b.toString()
                '\\' -> {
                    when (val e = s[i++]) {
                        'n' -> b.append('\n'); 't' -> b.append('\t'); 'r' -> b.append('\r')
                        'b' -> b.append('\b'); 'f' -> b.append('\u000c')
                        'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                        else -> b.append(e)
                    }
                }
                else -> b.append(c)
            }
        }
    }

    private fun num(): Any {
        val start = i
        while (i < s.length && s[i] in "+-0123456789.eE") i++
        return s.substring(start, i).toDouble()
    }
}

@Suppress("UNCHECKED_CAST")
private fun Any?.objects() = this as List<Map<String, Any?>>
private fun Map<String, Any?>.str(k: String) = this[k] as String

// ---------------------------------------------------------------- the harness

private var passed = 0
private var failed = 0

private val lock = Any()

private fun check(name: String, ok: Boolean, detail: () -> String = { "" }) = synchronized(lock) {
    if (ok) passed++ else { failed++; println("FAIL $name ${detail()}") }
}

private fun <T> eq(name: String, actual: T, expected: T) =
    check(name, actual == expected) { "\n  expected: $expected\n  actual:   $actual" }

private inline fun <reified E : Throwable> throws(name: String, block: () -> Unit): E? {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) { passed++; return e }
        failed++
        println("FAIL $name: expected ${E::class.simpleName}, got $e")
        return null
    }
    failed++
    println("FAIL $name: expected ${E::class.simpleName}, nothing thrown")
    return null
}

private fun flip(sig: String): String {
    val raw = Base64.getDecoder().decode(sig)
    raw[raw.size / 2] = (raw[raw.size / 2].toInt() xor 1).toByte()
    return Base64.getEncoder().encodeToString(raw)
}

// ---------------------------------------------------------------- request signing and TokenCache helpers

private fun sha256Hex(b: ByteArray) =
    java.security.MessageDigest.getInstance("SHA-256").digest(b).joinToString("") { "%02x".format(it) }

private fun hmacSha512(secret: String, message: String): String {
    val mac = javax.crypto.Mac.getInstance("HmacSHA512")
    mac.init(javax.crypto.spec.SecretKeySpec(secret.toByteArray(), "HmacSHA512"))
    return Base64.getEncoder().encodeToString(mac.doFinal(message.toByteArray()))
}

/** A TokenFetcher that counts its calls and takes a while, so that the other threads pile up. */
private class CountingFetcher(val delayMs: Long = 50, val body: (Int) -> ByteArray) : TokenFetcher {
    val calls = java.util.concurrent.atomic.AtomicInteger()
    override fun fetch(): ByteArray {
        val n = calls.incrementAndGet()
        Thread.sleep(delayMs)
        return body(n)
    }
}

private fun tokenBody(token: String, expiresIn: String = "900") =
    """{"responseCode":"2007300","accessToken":"$token","tokenType":"Bearer","expiresIn":"$expiresIn"}""".toByteArray()

/** Runs `f` on `n` threads released together; their results, or what they threw. */
private fun <T> atOnce(n: Int, f: () -> T): List<Result<T>> {
    val barrier = java.util.concurrent.CyclicBarrier(n)
    val results = arrayOfNulls<Result<T>>(n)
    val threads = (0 until n).map { i -> Thread { barrier.await(); results[i] = runCatching(f) } }
    threads.forEach { it.start() }
    threads.forEach { it.join() }
    return results.map { it!! }
}

fun main(args: Array<String>) {
    val root = File(if (args.isNotEmpty()) args[0] else ".")
    val vectorsDir = File(root, "tests/vectors")
    val keys = File(vectorsDir, "keys")
    val v = Json(File(vectorsDir, "snap-vectors.json").readText()).parse() as Map<*, *>
    fun key(name: String) = File(keys, name).readBytes()

    val signers = HashMap<String, SnapSigner>()
    val verifiers = HashMap<String, SnapVerifier>()
    for (k in listOf("rsa2048", "rsa3072", "rsa4096")) {
        signers[k] = SnapSigner(key("$k-pkcs8.pem"))
        verifiers[k] = SnapVerifier(key("$k-public.pem"))
    }

    // Every form of every key loads and signs identically (PKCS#1 v1.5 is deterministic).
    val first = v["token_b2b"].objects()[0]
    for (k in listOf("rsa2048", "rsa3072", "rsa4096")) {
        val bits = k.removePrefix("rsa").toUInt()
        for (form in listOf("pkcs8.pem", "pkcs1.pem", "pkcs8.der", "pkcs1.der")) {
            val s = SnapSigner(key("$k-$form"), null, false)
            eq("$k-$form bits", s.keyBits(), bits)
            eq("$k-$form signatureLen", s.signatureLen(), ((bits / 8u + 2u) / 3u) * 4u)
            val sig = s.signToken("MCPD00000006", "2020-10-04T17:55:58+07:00")
            check("$k-$form signs verifiably", verifiers[k]!!.verifyToken("MCPD00000006", "2020-10-04T17:55:58+07:00", sig))
        }
        for (form in listOf("public.pem", "public.der", "public-pkcs1.pem")) {
            eq("$k-$form verifier bits", SnapVerifier(key("$k-$form")).keyBits(), bits)
        }
    }
    // A PEM pasted into an environment variable: literal "\n" sequences.
    val envPem = String(key("rsa2048-pkcs8.pem")).replace("\n", "\\n").toByteArray()
    eq("env-style PEM", SnapSigner(envPem).signToken(first.str("client_id"), first.str("timestamp")), first.str("signature"))

    // ------------------------------------------------------------ token_b2b
    for ((n, t) in v["token_b2b"].objects().withIndex()) {
        val name = "token_b2b[$n]"
        val k = t.str("key")
        eq("$name string_to_sign", tokenStringToSign(t.str("client_id"), t.str("timestamp")), t.str("string_to_sign"))
        eq("$name signature", signers[k]!!.signToken(t.str("client_id"), t.str("timestamp")), t.str("signature"))
        check("$name verifies", verifiers[k]!!.verifyToken(t.str("client_id"), t.str("timestamp"), t.str("signature")))
        check("$name other client", !verifiers[k]!!.verifyToken(t.str("client_id") + "X", t.str("timestamp"), t.str("signature")))
        check("$name flipped bit", !verifiers[k]!!.verifyToken(t.str("client_id"), t.str("timestamp"), flip(t.str("signature"))))
        val headers = tokenRequestHeaders(signers[k]!!, t.str("client_id"), t.str("timestamp"))
        eq(
            "$name headers",
            headers,
            mapOf(
                "X-TIMESTAMP" to t.str("timestamp"),
                "X-CLIENT-KEY" to t.str("client_id"),
                "X-SIGNATURE" to t.str("signature"),
                "Content-Type" to "application/json",
            ),
        )
    }
    eq(
        "headers with ORIGIN",
        tokenRequestHeaders(signers["rsa2048"]!!, "c", "2020-01-01T00:00:00Z", "www.example.com")["ORIGIN"],
        "www.example.com",
    )

    // ------------------------------------------------------------ transaction_hmac
    for ((n, t) in v["transaction_hmac"].objects().withIndex()) {
        val name = "transaction_hmac[$n]"
        val body = t.str("body").toByteArray()
        eq("$name minify", String(minifyJson(body)), t.str("body_minified"))
        eq("$name digest", bodyDigest(body), t.str("body_sha256_hex"))
        eq(
            "$name string_to_sign",
            transactionStringToSign(t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp")),
            t.str("string_to_sign"),
        )
        val sig = signTransaction(t.str("client_secret"), t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"))
        eq("$name signature", sig, t.str("signature"))
        check("$name verifies", verifyTransaction(t.str("client_secret"), t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"), sig))
        check("$name wrong secret", !verifyTransaction(t.str("client_secret") + "x", t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"), sig))
        check("$name flipped bit", !verifyTransaction(t.str("client_secret"), t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"), flip(sig)))
        // The same through a TransactionSigner keyed once (used twice: the key is not consumed).
        TransactionSigner(t.str("client_secret")).use { ts ->
            repeat(2) { i ->
                eq("$name TransactionSigner.sign #$i", ts.sign(t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp")), t.str("signature"))
            }
            check("$name TransactionSigner.verify", ts.verify(t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"), sig))
            check("$name TransactionSigner.verify flipped bit", !ts.verify(t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"), flip(sig)))
            check("$name TransactionSigner.verify other token", !ts.verify(t.str("method"), t.str("path"), t.str("access_token") + "x", body, t.str("timestamp"), sig))
        }
        TransactionSigner(t.str("client_secret") + "x").use { ts ->
            check("$name TransactionSigner wrong secret", !ts.verify(t.str("method"), t.str("path"), t.str("access_token"), body, t.str("timestamp"), sig))
        }
    }

    // ------------------------------------------------------------ service_rsa
    for ((n, t) in v["service_rsa"].objects().withIndex()) {
        val name = "service_rsa[$n]"
        val k = t.str("key")
        val body = t.str("body").toByteArray()
        eq("$name string_to_sign", serviceStringToSign(t.str("method"), t.str("path"), body, t.str("timestamp")), t.str("string_to_sign"))
        eq("$name signature", signers[k]!!.signService(t.str("method"), t.str("path"), body, t.str("timestamp")), t.str("signature"))
        check("$name verifies", verifiers[k]!!.verifyService(t.str("method"), t.str("path"), body, t.str("timestamp"), t.str("signature")))
        check("$name other path", !verifiers[k]!!.verifyService(t.str("method"), t.str("path") + "x", body, t.str("timestamp"), t.str("signature")))
        check("$name truncated", !verifiers[k]!!.verifyService(t.str("method"), t.str("path"), body, t.str("timestamp"), t.str("signature").substring(4)))
    }

    // ------------------------------------------------------------ minify
    for ((n, t) in v["minify"].objects().withIndex()) {
        eq("minify[$n]", String(minifyJson(t.str("input").toByteArray())), t.str("output"))
    }
    for ((n, t) in v["minify_invalid"].objects().withIndex()) {
        val input = Base64.getDecoder().decode(t.str("input_b64"))
        val e = throws<SnapException.InvalidJson>("minify_invalid[$n]") { minifyJson(input) }
        if (e != null) check("minify_invalid[$n] offset in range", e.offset <= input.size.toULong()) { "${e.offset}" }
        throws<SnapException.InvalidJson>("minify_invalid[$n] sign_transaction") {
            signTransaction("s", "POST", "/p", "t", input, "2020-01-01T00:00:00Z")
        }
    }

    // ------------------------------------------------------------ error mapping
    val ts = "2020-01-01T04:10:00+07:00"
    val s2048 = signers["rsa2048"]!!
    val badJson = throws<SnapException.InvalidJson>("invalid JSON") {
        s2048.signService("POST", "/v1.0/x", "{\"a\" 1}".toByteArray(), ts)
    }
    eq("invalid JSON offset", badJson?.offset, 5UL)
    eq("invalid JSON reason", badJson?.reason, "invalid JSON body at byte 5: unexpected character")
    // `message` is the core's sentence alone (what the CLI and Python's str() print); the details stay properties.
    eq("invalid JSON message", badJson?.message, "invalid JSON body at byte 5: unexpected character")
    eq("invalid JSON toString", badJson?.toString(), "id.snapsign.SnapException\$InvalidJson: invalid JSON body at byte 5: unexpected character")
    throws<SnapException.InvalidJson>("verify_service invalid JSON throws") {
        verifiers["rsa2048"]!!.verifyService("POST", "/v1.0/x", "{".toByteArray(), ts, "x")
    }
    val badTs = throws<SnapException.InvalidTimestamp>("invalid timestamp") { s2048.signToken("c", "2023-02-29T00:00:00Z") }
    eq("invalid timestamp offset", badTs?.offset, 8UL)
    eq("invalid timestamp message", badTs?.message, "invalid X-TIMESTAMP at byte 8: day does not exist in this month")
    eq("invalid timestamp message is reason", badTs?.message, badTs?.reason)
    throws<SnapException.InvalidTimestamp>("verify_token invalid timestamp") {
        verifiers["rsa2048"]!!.verifyToken("c", "yesterday", "x")
    }
    throws<SnapException.InvalidMethod>("lower-case method") { signTransaction("s", "post", "/p", "t", ByteArray(0), ts) }
    throws<SnapException.AbsoluteUrl>("absolute URL") { signTransaction("s", "GET", "https://h/p", "t", ByteArray(0), ts) }
    throws<SnapException.PathWithoutLeadingSlash>("relative path") { signTransaction("s", "GET", "p", "t", ByteArray(0), ts) }
    throws<SnapException.BearerPrefix>("Bearer prefix") { signTransaction("s", "GET", "/p", "Bearer t", ByteArray(0), ts) }
    val pipe = throws<SnapException.PipeInClientId>("pipe in client id") { s2048.signToken("ab|c", ts) }
    eq("pipe offset", pipe?.offset, 2UL)
    val empty = throws<SnapException.EmptyField>("empty secret") { signTransaction("", "GET", "/p", "t", ByteArray(0), ts) }
    eq("empty secret field", empty?.field, Field.CLIENT_SECRET)
    val ctl = throws<SnapException.ControlCharacter>("control character") { s2048.signToken("a\nb", ts) }
    eq("control character field", ctl?.field, Field.CLIENT_ID)
    eq("control character offset", ctl?.offset, 1UL)
    val long = throws<SnapException.FieldTooLong>("long client id") { s2048.signToken("c".repeat(1000), ts) }
    eq("long client id field", long?.field, Field.CLIENT_ID)
    val publicKey = throws<SnapException.InvalidKey>("public key as private") { SnapSigner(key("rsa2048-public.pem")) }
    eq("public key as private kind", publicKey?.kind, KeyErrorKind.PUBLIC_KEY_GIVEN)
    eq("public key as private reason", publicKey?.reason, "invalid key: found a public key where a private key is needed")
    eq("public key as private message", publicKey?.message, "invalid key: found a public key where a private key is needed")
    val garbage = throws<SnapException.InvalidKey>("garbage key") { SnapVerifier("not a key".toByteArray()) }
    eq("garbage key kind", garbage?.kind, KeyErrorKind.MALFORMED)
    val weak = throws<SnapException.WeakKey>("weak key") { SnapSigner(key("weak1024-pkcs8.pem")) }
    eq("weak key bits", weak?.bits, 1024UL)
    eq("weak key allowed", SnapSigner(key("weak1024-pkcs8.pem"), null, true).keyBits(), 1024u)
    throws<SnapException.TimestampOutOfRange>("offset out of range") { formatTimestamp(0L, 19 * 60, false) }
    throws<SnapException.TimestampOutOfRange>("year out of range") { formatTimestamp(Long.MAX_VALUE, 0, false) }
    val skew = throws<SnapException.TimestampSkew>("old timestamp") { checkTimestamp(ts, 900u) }
    eq("skew allowed", skew?.allowedSeconds, 900u)
    check("skew negative", (skew?.skewSeconds ?: 0L) < 0L)
    throws<SnapException.InvalidResponse>("bad token response") { parseTokenResponse("[]".toByteArray()) }
    throws<SnapException.FieldTooLong>("external id too long") { externalId(37u) }
    // Signature problems are `false`, not exceptions.
    check("bad base64 is false", !verifiers["rsa2048"]!!.verifyToken("c", ts, "not base64!"))
    check("empty signature is false", !verifyTransaction("s", "GET", "/p", "t", ByteArray(0), ts, ""))
    check("hmac wrong length is false", !verifyTransaction("s", "GET", "/p", "t", ByteArray(0), ts, "QUJD"))
    // TransactionSigner: the same error mapping as the free functions.
    val emptyTs = throws<SnapException.EmptyField>("TransactionSigner empty secret") { TransactionSigner("") }
    eq("TransactionSigner empty secret field", emptyTs?.field, Field.CLIENT_SECRET)
    TransactionSigner("s").use { hs ->
        throws<SnapException.InvalidMethod>("TransactionSigner lower-case method") { hs.sign("post", "/p", "t", ByteArray(0), ts) }
        throws<SnapException.BearerPrefix>("TransactionSigner Bearer prefix") { hs.sign("GET", "/p", "Bearer t", ByteArray(0), ts) }
        val bad = throws<SnapException.InvalidJson>("TransactionSigner invalid JSON") { hs.sign("POST", "/p", "t", "{\"a\" 1}".toByteArray(), ts) }
        eq("TransactionSigner invalid JSON offset", bad?.offset, 5UL)
        throws<SnapException.InvalidTimestamp>("TransactionSigner.verify invalid timestamp") { hs.verify("GET", "/p", "t", ByteArray(0), "yesterday", "x") }
        check("TransactionSigner empty signature is false", !hs.verify("GET", "/p", "t", ByteArray(0), ts, ""))
        check("TransactionSigner wrong length is false", !hs.verify("GET", "/p", "t", ByteArray(0), ts, "QUJD"))
        eq("TransactionSigner = signTransaction", hs.sign("GET", "/p", "t", ByteArray(0), ts), signTransaction("s", "GET", "/p", "t", ByteArray(0), ts))
    }

    // ------------------------------------------------------------ timestamps and the rest
    eq("format WIB", formatTimestamp(1_577_826_600_000L, 420, false), ts)
    eq("format Z millis", formatTimestamp(1_709_609_836_196L, 0, true, true), "2024-03-05T03:37:16.196Z")
    eq("format +00:00", formatTimestamp(1_709_609_836_196L, 0, false), "2024-03-05T03:37:16+00:00")
    val now = nowTimestamp(420, true)
    check("now timestamp shape", Regex("""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00""").matches(now)) { now }
    check("now timestamp within skew", checkTimestamp(now, 60u) > 0L)
    val id = externalId()
    check("external id", id.length == 32 && id.all { it.isDigit() }) { id }
    val resp = parseTokenResponse(
        """{"responseCode":"2007300","responseMessage":"Successful","accessToken":"abc","tokenType":"Bearer","expiresIn":"900"}""".toByteArray(),
    )
    eq("token response", resp, TokenResponse("2007300", 200u.toUShort(), 73u.toUByte(), 0u.toUByte(), true, "Successful", "abc", "Bearer", 900UL))
    // A verifier derived from a signer, and objects shared across threads.
    val sig = s2048.signToken("MCPD00000006", ts)
    check("signer.verifier()", s2048.verifier().verifyToken("MCPD00000006", ts, sig))
    val threads = (1..4).map { n ->
        Thread { repeat(5) { check("thread $n", verifiers["rsa2048"]!!.verifyToken("MCPD00000006", ts, s2048.signToken("MCPD00000006", ts))) } }
    }
    threads.forEach { it.start() }
    threads.forEach { it.join() }

    // ------------------------------------------------------------ RequestSigner: headers as a Map
    // The values of `snapsign request --provider bca|dana ... --json` for the same inputs.
    val reqBody = "{ \"amount\": { \"value\": \"10000.00\", \"currency\": \"IDR\" } }".toByteArray()
    val reqDigest = sha256Hex("{\"amount\":{\"value\":\"10000.00\",\"currency\":\"IDR\"}}".toByteArray())
    val bcaSignature = "IFHDSLNnlnerJWnY4hdicyB8HIzMqdBVHSuppyDvcnvA2LVf1nl4V++saXBk+I3rR/p4BpCNJSd5H3D5H7WXeA=="
    RequestSigner.withClientSecret("bca", "a-client-secret").use { bca ->
        val signed = bca.sign(
            "POST", "/openapi/v1.0/x?b=2&a=%7e1", reqBody, "PARTNER01",
            accessToken = "eyJ0b2tlbiJ9", externalId = "12345678901234567890", timestamp = ts,
        )
        val headers: Map<String, String> = signed.headers.associate { it.name to it.value }
        eq("BCA header order", headers.keys.toList(), listOf("Content-Type", "Authorization", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"))
        eq(
            "BCA headers",
            headers,
            mapOf(
                "Content-Type" to "application/json",
                "Authorization" to "Bearer eyJ0b2tlbiJ9",
                "X-TIMESTAMP" to ts,
                "X-SIGNATURE" to bcaSignature,
                "X-PARTNER-ID" to "PARTNER01",
                "X-EXTERNAL-ID" to "12345678901234567890",
                "CHANNEL-ID" to "95051",
            ),
        )
        eq("BCA EndpointUrl (canonical query)", signed.endpointUrl, "/openapi/v1.0/x?a=~1&b=2")
        eq("BCA signature = javax.crypto HMAC-SHA512", signed.signature, hmacSha512("a-client-secret", "POST:/openapi/v1.0/x?a=~1&b=2:eyJ0b2tlbiJ9:$reqDigest:$ts"))
        eq("header() is case-insensitive", signed.header("x-timestamp"), ts)
        eq("absent header", signed.header("ORIGIN"), null)
        eq("provider", bca.provider(), "bca")
        val e = throws<SnapException.FieldTooLong>("long X-PARTNER-ID") { bca.sign("GET", "/x", ByteArray(0), "P".repeat(37), accessToken = "t") }
        eq("long X-PARTNER-ID field", e?.field, Field.PARTNER_ID)
        val noToken = throws<SnapException.EmptyField>("no access token") { bca.sign("GET", "/x", ByteArray(0), "P") }
        eq("no access token field", noToken?.field, Field.ACCESS_TOKEN)
        val b2b2c = bca.sign("POST", "/x", reqBody, "P", accessToken = "t", customerToken = "c", deviceId = "d", latitude = "-6.2", timestamp = ts)
        eq("B2B2C headers", b2b2c.headers.map { it.name }, listOf("Content-Type", "Authorization", "Authorization-Customer", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "X-DEVICE-ID", "X-LATITUDE", "CHANNEL-ID"))
    }
    RequestSigner.withPrivateKey("dana", key("rsa2048-pkcs8.pem")).use { dana ->
        val path = "/v1.0/debit/payment-host-to-host.htm"
        val signed = dana.sign("POST", path, reqBody, "C1", externalId = "12345678901234567890", timestamp = ts)
        eq("DANA header order", signed.headers.map { it.name }, listOf("Content-Type", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"))
        eq("DANA CHANNEL-ID", signed.header("CHANNEL-ID"), "95221")
        val pub = java.security.KeyFactory.getInstance("RSA").generatePublic(java.security.spec.X509EncodedKeySpec(key("rsa2048-public.der")))
        val verify = java.security.Signature.getInstance("SHA256withRSA")
        verify.initVerify(pub)
        verify.update("POST:$path:$reqDigest:$ts".toByteArray())
        check("DANA signature verifies with java.security", verify.verify(Base64.getDecoder().decode(signed.signature)))
        eq(
            "DANA signature = the CLI's",
            signed.signature,
            "fZ3NlKsAF7fzh6zlsiMV6EJxucMv2eZpFmvWl1pz4k7pfBpvpJFpg5yy7p7X+NRt/zEVNS85FrYGYPo2G6ifbSjO88wW0AW2AN0St58aFTAN9mpgppH0NZ40vDccWiQy5Keu7A7yHtuCj1ZS5VO10jd0KoJ6WyxzVz1CF20cZwcN73aEkP3xFu057GCXjRTWEkfFGrlkvqljw9RJGEgAuCvJiaCRoH0p3PMjlgZOwrIKsNv21qm7Qm5AqeHZKgQ/DvVXW4Q7bkWG1SGH06OIDTtbW415+PXqJNuUcwdJ03/z9aLOaMXpc9sNkAozdN5rkT09rglwHJGoz3dPXBz0oQ==",
        )
    }
    RequestSigner.withClientSecret("bri", "a-client-secret").use { bri ->
        val signed = bri.sign("GET", "/snap/v1.0/balance", ByteArray(0), "P", accessToken = "t", channelId = "12345", unixMillis = 1_577_826_600_123L)
        eq("BRI timestamp style", signed.timestamp, "2020-01-01T04:10:00.123+07:00")
        check("generated X-EXTERNAL-ID", signed.header("X-EXTERNAL-ID")?.let { it.length == 32 && it.all(Char::isDigit) } == true)
    }
    val missing = throws<SnapException.MissingCredential>("secret for DANA") { RequestSigner.withClientSecret("dana", "s") }
    eq("secret for DANA needs", missing?.needed, Credential.PRIVATE_KEY)
    val missingSecret = throws<SnapException.MissingCredential>("key for BCA") { RequestSigner.withPrivateKey("bca", key("rsa2048-pkcs8.pem")) }
    eq("key for BCA needs", missingSecret?.needed, Credential.CLIENT_SECRET)
    val unknown = throws<SnapException.UnknownProvider>("unknown provider") { RequestSigner.withClientSecret("BCA", "s") }
    eq("unknown provider name", unknown?.name, "BCA")

    // ------------------------------------------------------------ profiles and response codes
    val profiles = providerProfiles()
    eq("profile names", profiles.map { it.name }, listOf("generic", "doku", "ifortepay", "midtrans", "dana", "bca", "bri", "mandiri", "winpay", "ovo"))
    val bcaProfile = providerProfile("bca")
    eq("bca EndpointUrl rule", bcaProfile.endpointRule.value, EndpointRule.CANONICAL_QUERY)
    eq("bca CHANNEL-ID", bcaProfile.channelId.value, "95051")
    eq("dana signature", providerProfile("dana").transactionSignature.value, TransactionSignature.RSA_SERVICE)
    eq("ifortepay missing-header answer", providerProfile("ifortepay").missingHeader.value, MissingHeaderAnswer.BAD_REQUEST_IS_REQUIRED)
    eq("bri timestamp example", providerProfile("bri").timestamp.example, "2020-01-01T04:10:00.000+07:00")
    check("every fact has a source", profiles.all { p -> listOf(p.tokenPathB2b.source, p.timestamp.source, p.transactionSignature.source, p.endpointRule.source, p.channelId.source, p.partnerIdIsClientId.source, p.deviceIdRequired.source, p.missingHeader.source).all { it.isNotEmpty() } })
    val code = describeResponseCode("4017300")
    eq("4017300", Triple(code.httpStatus, code.serviceCode, code.caseCode), Triple(401.toUShort(), 73.toUByte(), 0.toUByte()))
    eq("4017300 service", code.serviceName, "Access Token B2B")
    eq("4017300 message", code.message, "Unauthorized. [reason]")
    check("4017300 likely causes", code.likelyCauses.size >= 3)
    eq("unlisted code", describeResponseCode("9999999").serviceName, null)
    throws<SnapException.InvalidResponse>("6-digit code") { describeResponseCode("401730") }

    // ------------------------------------------------------------ TokenCache: one fetch per refresh
    val fetcher = CountingFetcher { n -> tokenBody("tok$n") }
    TokenCache(fetcher).use { cache ->
        eq("default margin", cache.marginSeconds(), 60u)
        val t0 = 1_700_000_000_000L
        eq("32 threads, first token", atOnce(32) { cache.tokenAt(t0) }.map { it.getOrThrow() }, List(32) { "tok1" })
        eq("32 threads: one fetch", fetcher.calls.get(), 1)
        eq("expiry", cache.expiresAtUnixMillis(), t0 + 900_000L)
        eq("32 threads before expiry - margin", atOnce(32) { cache.tokenAt(t0 + 839_999L) }.map { it.getOrThrow() }, List(32) { "tok1" })
        eq("no fetch before expiry - margin", fetcher.calls.get(), 1)
        eq("32 threads at expiry - margin", atOnce(32) { cache.tokenAt(t0 + 840_000L) }.map { it.getOrThrow() }, List(32) { "tok2" })
        eq("one more fetch at expiry - margin", fetcher.calls.get(), 2)
        cache.invalidate()
        eq("after invalidate", cache.tokenAt(t0 + 840_001L), "tok3")
    }
    // This machine's clock: 64 s to live with a 60 s margin is fresh for 4 s.
    val clockFetcher = CountingFetcher { n -> tokenBody("tok$n", expiresIn = "64") }
    TokenCache(clockFetcher, 60u).use { cache ->
        eq("clock: 32 threads", atOnce(32) { cache.token() }.map { it.getOrThrow() }, List(32) { "tok1" })
        eq("clock: one fetch", clockFetcher.calls.get(), 1)
        Thread.sleep(4_100)
        eq("clock: after expiry - margin", atOnce(32) { cache.token() }.map { it.getOrThrow() }, List(32) { "tok2" })
        eq("clock: one more fetch", clockFetcher.calls.get(), 2)
    }
    // Errors: a refused request, an exception of the fetcher (shared by its waiters), a SnapException.
    TokenCache(CountingFetcher { """{"responseCode":"4017300","responseMessage":"Unauthorized. Unknown Client"}""".toByteArray() }).use { cache ->
        val refused = throws<SnapException.TokenRefused>("refused token request") { cache.token() }
        eq("refused code", refused?.responseCode, "4017300")
        eq("refused message", refused?.responseMessage, "Unauthorized. Unknown Client")
        eq("refused exception message is reason", refused?.message, refused?.reason)
        check("refused exception message", refused?.message?.startsWith("the provider refused the access-token request: 4017300 ") == true) { "${refused?.message}" }
    }
    val failing = CountingFetcher(delayMs = 500) { throw java.io.IOException("network down") }
    TokenCache(failing).use { cache ->
        val results = atOnce(8) { cache.token() }
        eq("failed fetch: once for 8 threads", failing.calls.get(), 1)
        check("failed fetch: FetchFailed for every waiter", results.all { (it.exceptionOrNull() as? SnapException.FetchFailed)?.reason?.contains("java.io.IOException: network down") == true }) { "$results" }
        throws<SnapException.FetchFailed>("next call fetches again") { cache.token() }
        eq("failed fetch retried", failing.calls.get(), 2)
    }
    TokenCache(CountingFetcher { tokenRequestHeaders(s2048, "a|b", ts); ByteArray(0) }).use { cache ->
        throws<SnapException.PipeInClientId>("a SnapException of the fetcher passes through") { cache.token() }
    }

    signers.values.forEach { it.close() }
    verifiers.values.forEach { it.close() }

    receiveTests { name, actual, expected -> eq(name, actual, expected) }

    // One version: the Kotlin constant, the loaded library's snapsign_version() and Cargo.toml's.
    eq("SnapSignVersion.library() is VERSION", SnapSignVersion.library(), SnapSignVersion.VERSION)
    val cargo = Regex("""(?ms)^\[workspace\.package\].*?^version = "([^"]+)"""").find(File(root, "Cargo.toml").readText())
    eq("SnapSignVersion.VERSION is the workspace version", SnapSignVersion.VERSION, cargo?.groupValues?.get(1))
    // tests/tsan/stress.c from 16 JVM threads (StressTest.kt): the same totals as the C program.
    val stressRounds = 4
    val tokenRows = v["token_b2b"].objects()
    val txRows = v["transaction_hmac"].objects()
    val perRound = tokenRows.count { it["key"] == "rsa2048" } + txRows.count { it["client_secret"] == "a-secret" }
    val calls = STRESS_THREADS * stressRounds * perRound
    val stress = threadStress(root, tokenRows, txRows, stressRounds) { name, actual, expected -> eq(name, actual, expected) }
    println(stress)
    eq(
        "thread stress totals",
        stress,
        "stress: $STRESS_THREADS threads x $stressRounds rounds: $calls signatures, $calls verifications, " +
            "$calls rejections, ${STRESS_THREADS * stressRounds} own-error checks, 0 failures",
    )

    println("$passed passed, $failed failed")
    if (failed != 0) exitProcess(1)
}
