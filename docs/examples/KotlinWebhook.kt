// A SNAP notification endpoint on the JDK's built-in HTTP server (com.sun.net.httpserver, the
// servlet-style API every JVM has): HMAC-signed notifications verified with snapsign, answered
// with the exact SNAP JSON. Compiled and exercised by bindings/kotlin/run.sh (docs/receiving.md).
package id.snapsign.examples

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import id.snapsign.MemoryReplayGuard
import id.snapsign.RequestVerifier
import id.snapsign.TokenStore
import id.snapsign.verifyRequest
import java.net.InetSocketAddress

class KotlinWebhook(clientSecret: String, partnerId: String, port: Int = 0) : AutoCloseable {
    private val verifier = RequestVerifier("generic", clientSecret = clientSecret, partnerId = partnerId)
    val tokens = TokenStore("generic") // the tokens this application issued (tokens.issue on its token endpoint)
    private val replayGuard = MemoryReplayGuard() // one process; several: implement ReplayGuard over your database
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", port), 0)

    init {
        server.createContext("/v1.0/transfer-va/payment") { exchange -> handle(exchange) }
        server.start()
    }

    val port: Int get() = server.address.port

    private fun handle(exchange: HttpExchange) {
        val body = exchange.requestBody.readBytes() // the raw bytes, never re-serialised
        val target = exchange.requestURI.rawPath + (exchange.requestURI.rawQuery?.let { "?$it" } ?: "")
        val result = verifyRequest(verifier, exchange.requestMethod, target, exchange.requestHeaders, body, tokens, replayGuard)
        val answer = if (result.accepted) {
            // ... record the payment ...
            """{"responseCode":"${result.responseCode}","responseMessage":"Successful"}"""
        } else {
            System.err.println("SNAP request rejected: ${result.detail}")
            result.body!!
        }
        val bytes = answer.toByteArray()
        exchange.responseHeaders.add("Content-Type", "application/json")
        exchange.sendResponseHeaders(result.httpStatus.toInt(), bytes.size.toLong())
        exchange.responseBody.use { it.write(bytes) }
    }

    override fun close() = server.stop(0)
}
