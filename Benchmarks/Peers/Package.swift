// swift-tools-version:6.0
// Benchmark peers: scenario 1 (one image record by id, token-checked) written with Hummingbird and FlyingFox.
// Built only by the benchmark harness (Benchmarks/run.sh), never by the main package.
import PackageDescription

let package = Package(
    name: "BenchmarkPeers",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
        .package(path: "../PeerRecords"),
    ],
    targets: [
        .executableTarget(
            name: "PeerHummingbird",
            dependencies: [
                .product(name: "PeerRecords", package: "PeerRecords"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "PeerFlyingFox",
            dependencies: [
                .product(name: "PeerRecords", package: "PeerRecords"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
    ]
)
