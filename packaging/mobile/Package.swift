// swift-tools-version:5.5
// SnapSign for iOS: the generated Swift bindings (Sources/SnapSign/SnapSign.swift) over the static
// library in SnapSign.xcframework (device arm64 and simulator arm64), whose Headers/ hold the C
// declarations and the module map of the `snapsignFFI` module that SnapSign.swift imports.
// Built on Linux by packaging/mobile.sh; not compiled here (no Swift toolchain): see
// docs/packaging.md.
import PackageDescription

let package = Package(
    name: "SnapSign",
    platforms: [.iOS(.v13)],
    products: [
        .library(name: "SnapSign", targets: ["SnapSign"]),
    ],
    targets: [
        .binaryTarget(name: "snapsignFFI", path: "SnapSign.xcframework"),
        .target(name: "SnapSign", dependencies: ["snapsignFFI"], path: "Sources/SnapSign"),
    ]
)
