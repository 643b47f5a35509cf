// swift-tools-version:6.0
// The records every benchmark peer serves from memory, shared by the peers in Benchmarks/Peers and
// Benchmarks/ServerPeer (two packages, since Hummingbird's swift-metrics and the main package both have a target
// named `Metrics`).
import PackageDescription

let package = Package(
    name: "PeerRecords",
    platforms: [.macOS(.v14)],
    products: [.library(name: "PeerRecords", targets: ["PeerRecords"])],
    targets: [.target(name: "PeerRecords")]
)
