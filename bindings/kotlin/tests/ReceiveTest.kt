// The receiving side from Kotlin: verifyRequest over a servlet-style header map, a replay guard
// implemented in Kotlin, and the docs/examples/KotlinWebhook.kt server driven over real HTTP.
package id.snapsign.test

import id.snapsign.MemoryReplayGuard
import id.snapsign.ReplayGuard
import id.snapsign.ReplayKey
import id.snapsign.RequestSigner
import id.snapsign.RequestVerifier
import id.snapsign.TokenStore
import id.snapsign.examples.KotlinWebhook
import id.snapsign.explainRequest
import id.snapsign.verifyRequest
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/** A guard over the application's own store: here a concurrent map (a database's unique key). */
private class MapGuard : ReplayGuard {
    val seen = ConcurrentHashMap<String, Long>()
    val calls = AtomicInteger()
    override fun checkAndRecord(key: ReplayKey): Boolean {
        calls.incrementAndGet()
        return seen.putIfAbsent(key.storageKey, key.expiresAtUnixMillis) == null
    }
}

internal fun receiveTests(eq: (String, Any?, Any?) -> Unit) {
    val secret = "TEST-client-secret"
    val path = "/v1.0/transfer-va/payment"
    val body = """{"partnerServiceId":"  088899","paymentRequestId":"7"}""".toByteArray()
    val tokens = TokenStore("generic")
    val token = tokens.issue("C1").accessToken
    val signer = RequestSigner.withClientSecret("generic", secret)
    fun signed(id: String) = signer.sign("POST", path, body, "P1", accessToken = token, externalId = id, channelId = "95221")
        .headers.groupBy({ it.name }, { it.value })

    RequestVerifier("generic", clientSecret = secret, partnerId = "P1").use { verifier ->
        val guard = MapGuard()
        val headers = signed("1")
        val ok = verifyRequest(verifier, "POST", path, headers, body, tokens, guard)
        eq("receive: accepted", Triple(ok.accepted, ok.responseCode, ok.externalId), Triple(true, "2002500", "1"))
        val again = verifyRequest(verifier, "POST", path, headers, body, tokens, guard)
        eq("receive: replay", Triple(again.httpStatus.toInt(), again.responseCode, again.body), Triple(409, "4092500", """{"responseCode":"4092500","responseMessage":"Conflict"}"""))
        val lower = signed("2").mapKeys { it.key.lowercase() }
        eq("receive: header names in any case", verifyRequest(verifier, "POST", path, lower, body, tokens, guard).accepted, true)

        val calls = guard.calls.get()
        val noTimestamp = signed("3").filterKeys { it != "X-TIMESTAMP" }
        val missing = verifyRequest(verifier, "POST", path, noTimestamp, body, tokens, guard)
        eq("receive: missing X-TIMESTAMP", Pair(missing.responseCode, missing.responseMessage), Pair("4002502", "Invalid Mandatory Field {X-TIMESTAMP}"))
        val tampered = verifyRequest(verifier, "POST", path, signed("4"), """{"partnerServiceId":"088899","paymentRequestId":"7"}""".toByteArray(), tokens, guard)
        eq("receive: re-serialised body", Pair(tampered.responseCode, tampered.responseMessage), Pair("4012500", "Unauthorized. Signature"))
        val unknown = verifyRequest(verifier, "POST", path, signed("5"), body, TokenStore("generic"), guard)
        eq("receive: token not issued", unknown.responseCode, "4012501")
        eq("receive: rejected requests never reach the guard", guard.calls.get(), calls)
        // The rejected id 4 is still fresh once the request is right.
        eq("receive: a rejected id stays usable", verifyRequest(verifier, "POST", path, signed("4"), body, tokens, guard).accepted, true)

        // A sender that left the query out of its string-to-sign, signed with the JDK's own
        // SHA-256 and HmacSHA512 (not snapsign).
        val query = "$path?page=2"
        val sent = signed("7").toMutableMap()
        val ts = sent.getValue("X-TIMESTAMP").first()
        val digest = java.security.MessageDigest.getInstance("SHA-256").digest(body).joinToString("") { "%02x".format(it) }
        val mac = javax.crypto.Mac.getInstance("HmacSHA512").apply { init(javax.crypto.spec.SecretKeySpec(secret.toByteArray(), "HmacSHA512")) }
        val wrong = java.util.Base64.getEncoder().encodeToString(mac.doFinal("POST:$path:$token:$digest:$ts".toByteArray()))
        sent["X-SIGNATURE"] = listOf(wrong)
        val refused = verifyRequest(verifier, "POST", query, sent, body, tokens, guard)
        eq("receive: query left out is a wrong signature", refused.responseCode, "4012500")
        val diagnosis = explainRequest(verifier, "POST", query, sent, body)
        eq("receive: explain names the cause", diagnosis?.causes?.firstOrNull()?.id, "path-without-query")
        eq("receive: explain's expected string-to-sign", diagnosis?.expectedStringToSign, "POST:$query:$token:$digest:$ts")
        eq("receive: a valid signature explains as valid", explainRequest(verifier, "POST", path, signed("8"), body)?.valid, true)

        eq("receive: ReplayGuardException's message is its reason", id.snapsign.ReplayGuardException.Unavailable("db down").message, "db down")

        val memory = MemoryReplayGuard()
        val racing = signed("6")
        val accepted = AtomicInteger()
        val threads = (1..8).map { Thread { if (verifyRequest(verifier, "POST", path, racing, body, tokens, memory).accepted) accepted.incrementAndGet() } }
        threads.forEach { it.start() }
        threads.forEach { it.join() }
        eq("receive: 8 threads, one id, exactly one accepted", accepted.get(), 1)
    }

    KotlinWebhook(secret, "P1").use { webhook ->
        val id = webhook.tokens.issue("C1").accessToken
        val headers = signer.sign("POST", path, body, "P1", accessToken = id, externalId = "41807553358950093184162180797837", channelId = "95221").headers
        val client = HttpClient.newHttpClient()
        fun post(): Pair<Int, String> {
            val request = HttpRequest.newBuilder(URI("http://127.0.0.1:${webhook.port}$path"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            headers.forEach { request.header(it.name, it.value) }
            val response = client.send(request.build(), HttpResponse.BodyHandlers.ofString())
            return Pair(response.statusCode(), response.body())
        }
        eq("webhook example: accepted", post(), Pair(200, """{"responseCode":"2002500","responseMessage":"Successful"}"""))
        eq("webhook example: replay", post(), Pair(409, """{"responseCode":"4092500","responseMessage":"Conflict"}"""))
    }
}
