// Hand-written convenience over the generated binding (snapsign.kt): the receiving side with
// the header shapes JVM servers hand out. It adds no logic of its own: the verifier, its
// results and its errors are the generated ones.
package id.snapsign

/**
 * Verifies a received SNAP request: [RequestVerifier.verify] with the headers as a servlet,
 * `com.sun.net.httpserver` or OkHttp map (`Map<String, List<String>>`, names in any case; each
 * value of a repeated header is passed, the first one counts). `target` is the path with its
 * undecoded query, `body` the raw bytes received. The service code comes from the path unless given.
 */
fun verifyRequest(
    verifier: RequestVerifier,
    method: String,
    target: String,
    headers: Map<String, List<String>>,
    body: ByteArray,
    tokens: TokenStore? = null,
    replayGuard: ReplayGuard? = null,
    nowUnixMillis: Long? = null,
    serviceCode: UByte? = null,
): Verification = verifier.verify(
    method,
    target,
    headers.flatMap { (name, values) -> values.map { Header(name, it) } },
    body,
    nowUnixMillis,
    serviceCode,
    tokens,
    replayGuard,
)

/** The built-in one-process replay guard ([memoryReplayGuard]). */
fun MemoryReplayGuard(capacity: UInt = 100000u): ReplayGuard = memoryReplayGuard(capacity)

/**
 * Why a received request's signature does not verify with the verifier's key or secret
 * ([RequestVerifier.explain]), with [verifyRequest]'s header map: the variants of the received
 * inputs that the signature verifies (`causes`, each with a stable `id` and a `fix`), or
 * `unexplained` when none does. For logging a `WRONG_SIGNATURE` rejection, not for every
 * request. `null` when the verifier has no key or secret for this kind of call.
 */
fun explainRequest(
    verifier: RequestVerifier,
    method: String,
    target: String,
    headers: Map<String, List<String>>,
    body: ByteArray,
): SignatureDiagnosis? = verifier.explain(method, target, headers.flatMap { (name, values) -> values.map { Header(name, it) } }, body)
