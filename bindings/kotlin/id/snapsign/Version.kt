// Hand-written: the version of these bindings, and of the native library they loaded.
package id.snapsign

import com.sun.jna.NativeLibrary

/**
 * The snapsign version. [VERSION] is the workspace version (`[workspace.package] version` in
 * Cargo.toml) these bindings were generated from; `tests/version.sh` fails when the two differ.
 * [library] asks the loaded native library (`snapsign_version()` of the C ABI), so an application
 * can check at start-up that the jar and the `libsnapsign` it found belong together:
 *
 * ```kotlin
 * check(SnapSignVersion.library() == SnapSignVersion.VERSION)
 * ```
 * From Java: `SnapSignVersion.VERSION` and `SnapSignVersion.library()`.
 */
object SnapSignVersion {
    const val VERSION: String = "0.1.0"

    /** `snapsign_version()` of the native library, found the way the bindings find it. */
    @JvmStatic
    fun library(): String {
        val name = System.getProperty("uniffi.component.snapsign.libraryOverride") ?: "snapsign"
        return NativeLibrary.getInstance(name).getFunction("snapsign_version").invokeString(arrayOf(), false)
    }
}
