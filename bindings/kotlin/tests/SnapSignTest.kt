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
    check("invalid JSON message", badJson?.message?.contains("offset=5") == true) { "${badJson?.message}" }
    throws<SnapException.InvalidJson>("verify_service invalid JSON throws") {
        verifiers["rsa2048"]!!.verifyService("POST", "/v1.0/x", "{".toByteArray(), ts, "x")
    }
    val badTs = throws<SnapException.InvalidTimestamp>("invalid timestamp") { s2048.signToken("c", "2023-02-29T00:00:00Z") }
    eq("invalid timestamp offset", badTs?.offset, 8UL)
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
    signers.values.forEach { it.close() }
    verifiers.values.forEach { it.close() }

    println("$passed passed, $failed failed")
    if (failed != 0) exitProcess(1)
}
