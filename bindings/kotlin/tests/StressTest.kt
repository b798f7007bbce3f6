// The thread stress of tests/tsan/stress.c, from JVM threads through the generated bindings:
// 16 threads share one SnapSigner (RSA-2048), one SnapVerifier and one TransactionSigner
// ("a-secret"), sign and verify the vectors, reject tampered ones, and each provokes an error
// of its own (a '|' at byte <thread index> of a client id) whose offset and message must be its
// own. The totals line must be the C program's, number for number (tests/tsan/run.sh prints it).
package id.snapsign.test

import id.snapsign.*
import java.io.File

internal const val STRESS_THREADS = 16

private class Tally(val index: Int) {
    var signatures = 0L
    var verifications = 0L
    var rejections = 0L
    var ownErrors = 0L
    val failures = ArrayList<String>()
    fun check(ok: Boolean, what: String) {
        if (!ok) failures.add("thread $index: $what")
    }
}

/** Returns the totals line; every failed check is reported through `eq`. */
internal fun threadStress(
    root: File,
    tokens: List<Map<String, Any?>>,
    transactions: List<Map<String, Any?>>,
    rounds: Int,
    eq: (String, Any?, Any?) -> Unit,
): String {
    val keys = File(root, "tests/vectors/keys")
    val signer = SnapSigner(File(keys, "rsa2048-pkcs8.pem").readBytes())
    val verifier = SnapVerifier(File(keys, "rsa2048-public.pem").readBytes())
    val hmac = TransactionSigner("a-secret")
    val rsaVectors = tokens.filter { it["key"] == "rsa2048" }
    val hmacVectors = transactions.filter { it["client_secret"] == "a-secret" }
    val ts = "2020-10-04T17:55:58+07:00"

    fun rsaRound(t: Tally) {
        for (v in rsaVectors) {
            val (cid, time, sig) = Triple(v["client_id"] as String, v["timestamp"] as String, v["signature"] as String)
            t.check(signer.signToken(cid, time) == sig, "RSA token signature differs from the vector"); t.signatures++
            t.check(verifier.verifyToken(cid, time, sig), "RSA token vector does not verify"); t.verifications++
            t.check(!verifier.verifyToken("SOMEONE-ELSE", time, sig), "RSA: another client id verifies"); t.rejections++
        }
    }

    fun hmacRound(t: Tally) {
        for (v in hmacVectors) {
            val m = v["method"] as String
            val p = v["path"] as String
            val tok = v["access_token"] as String
            val body = (v["body"] as String).toByteArray()
            val time = v["timestamp"] as String
            val sig = v["signature"] as String
            t.check(hmac.sign(m, p, tok, body, time) == sig, "HMAC signature differs from the vector"); t.signatures++
            t.check(hmac.verify(m, p, tok, body, time, sig), "HMAC vector does not verify"); t.verifications++
            val bad = (if (sig[0] == 'A') "B" else "A") + sig.substring(1)
            t.check(!hmac.verify(m, p, tok, body, time, bad), "HMAC: a tampered signature verifies"); t.rejections++
        }
    }

    fun ownError(t: Tally) {
        val id = "M".repeat(t.index) + "|"
        try {
            signer.signToken(id, ts)
            t.check(false, "the client id with '|' was signed")
        } catch (e: SnapException.PipeInClientId) {
            Thread.yield()
            t.check(e.offset == t.index.toULong(), "offset ${e.offset} is not this thread's")
            t.check(
                e.reason == "client id contains '|' at byte ${t.index}, which the token string-to-sign uses as separator",
                "message is not this thread's: ${e.reason}",
            )
        }
        t.ownErrors++
    }

    val tallies = (0 until STRESS_THREADS).map { Tally(it) }
    val barrier = java.util.concurrent.CyclicBarrier(STRESS_THREADS)
    val threads = tallies.map { t ->
        Thread {
            barrier.await()
            try {
                for (r in 0 until rounds) {
                    for (k in 0 until 3) {
                        when ((t.index + r + k) % 3) {
                            0 -> rsaRound(t)
                            1 -> hmacRound(t)
                            else -> ownError(t)
                        }
                    }
                }
            } catch (e: Throwable) {
                t.failures.add("thread ${t.index}: threw $e")
            }
        }
    }
    threads.forEach { it.start() }
    threads.forEach { it.join() }
    signer.close()
    verifier.close()
    hmac.close()

    val failures = tallies.flatMap { it.failures }
    eq("thread stress: no failed check", failures.take(5), emptyList<String>())
    return "stress: $STRESS_THREADS threads x $rounds rounds: ${tallies.sumOf { it.signatures }} signatures, " +
        "${tallies.sumOf { it.verifications }} verifications, ${tallies.sumOf { it.rejections }} rejections, " +
        "${tallies.sumOf { it.ownErrors }} own-error checks, ${failures.size} failures"
}
