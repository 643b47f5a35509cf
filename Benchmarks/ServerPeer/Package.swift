// swift-tools-version:6.0
// Benchmark peer: scenario 1 (one image record by id, token-checked) on cfimages's own HTTPServer module alone.
// Built only by the benchmark harness (Benchmarks/run.sh), never by the main package; its own package because the
// main package and Hummingbird's swift-metrics (in Benchmarks/Peers) both have a target named `Metrics`.
import PackageDescription

let package = Package(
    name: "ServerPeer",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "cfimages", path: "../.."),
        .package(path: "../PeerRecords"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "PeerHTTPServer",
            dependencies: [
                .product(name: "PeerRecords", package: "PeerRecords"),
                .product(name: "CFImagesModules", package: "cfimages"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
