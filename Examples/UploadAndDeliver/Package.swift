// swift-tools-version:6.0
import PackageDescription

/// An app outside cfimages that uses its CloudflareImages library, as yours would (README, "Using
/// CloudflareImages from your own Swift app"). `make example` builds it and runs it against `cfimages emulator`.
let package = Package(
    name: "UploadAndDeliver",
    platforms: [.macOS(.v14)],
    dependencies: [
        // From your app: .package(url: "https://github.com/<owner>/cfimages", branch: "main").
        .package(name: "cfimages", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "UploadAndDeliver",
            dependencies: [.product(name: "CloudflareImages", package: "cfimages")]
        )
    ]
)
