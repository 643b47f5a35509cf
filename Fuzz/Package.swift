// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for cfimages, kept out of the main package so `swift build` there never builds them.
/// Build with `make fuzz` (see Fuzz/run-fuzz.sh): `-sanitize=fuzzer,address`, scratch path `.build-fuzz`.
let package = Package(
    name: "cfimages-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "cfimages", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libFuzzer's driver entry, shared by every target.
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzHTTPParser",
            dependencies: ["FuzzSupport", .product(name: "CFImagesModules", package: "cfimages")]
        ),
        .executableTarget(
            name: "FuzzMultipart",
            dependencies: ["FuzzSupport", .product(name: "CFImagesModules", package: "cfimages")]
        ),
        .executableTarget(
            name: "FuzzAPIBody",
            dependencies: [
                "FuzzSupport",
                .product(name: "CFImagesModules", package: "cfimages"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
