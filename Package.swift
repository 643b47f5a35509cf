// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode plus explicit `any` for existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cfimages",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cfimages", targets: ["cfimages"]),
        // For other Swift apps (README, "Using CloudflareImages from your own Swift app"): the API client with
        // delivery URLs, signing, transformations and webhook checks; or those alone, with no C library.
        .library(
            name: "CloudflareImages",
            targets: ["CloudflareImages", "CloudflareImagesCore", "Base16", "HTTPFields", "JSON"]),
        .library(name: "CloudflareImagesCore", targets: ["CloudflareImagesCore", "Base16"]),
        // Libraries for the fuzz package under Fuzz/, which depends on this one by path (`make fuzz`).
        .library(
            name: "CFImagesModules",
            targets: [
                "JSON", "HTTPFields", "HTTPServer", "HTTPClient", "CloudflareImages", "CloudflareImagesCore",
                "ImageStore", "Configuration",
                "ImagesAPI", "SQLite", "PostgreSQL",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries, wrapped once each.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // epoll and eventfd for HTTPServer's reactor, thread names, the monotonic clock (libc calls the Glibc module
        // does not export).
        .systemLibrary(name: "CLinux"),

        // The monotonic clock and Duration in the units C APIs, headers and metrics take.
        .target(name: "Timekeeping", dependencies: ["CLinux"], swiftSettings: swiftSettings),

        // Base-16 text of bytes (MACs, digests, keys), pure Swift: shared by the library and the service.
        .target(name: "Base16", swiftSettings: swiftSettings),

        // JSON values and a byte-level writer, shared by every module that speaks JSON.
        .target(name: "JSON", swiftSettings: swiftSettings),

        // Header fields as both HTTP modules use them.
        .target(name: "HTTPFields", swiftSettings: swiftSettings),

        // Swift owners of the C handles.
        .target(name: "Crypto", dependencies: ["COpenSSL", "Base16"], swiftSettings: swiftSettings),
        .target(name: "SQLite", dependencies: ["CSQLite", "Timekeeping"], swiftSettings: swiftSettings),
        .target(name: "PostgreSQL", dependencies: ["CLibPQ"], swiftSettings: swiftSettings),
        .target(
            name: "HTTPClient",
            dependencies: [
                "CCurl", "CLinux", "HTTPFields", "Timekeeping", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Our HTTP/1.1 server: sockets, parsing, routing. Knows nothing of images.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CLinux", "Base16", "HTTPFields", "JSON", "Timekeeping",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Cloudflare Images without I/O: delivery URLs, signing (pure-Swift HMAC-SHA256), transformations, presets,
        // srcset, webhook checks. Depends on nothing but Base16, not even Foundation, so any Swift app can take it.
        .target(name: "CloudflareImagesCore", dependencies: ["Base16"], swiftSettings: swiftSettings),

        // Cloudflare Images API client (libcurl through HTTPClient). Knows nothing of our server or storage.
        .target(
            name: "CloudflareImages",
            dependencies: [
                "CloudflareImagesCore", "HTTPClient", "HTTPFields", "JSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // A local stand-in for the Cloudflare Images API.
        .target(
            name: "CloudflareEmulator",
            dependencies: [
                "HTTPServer", "SQLite", "Crypto", "Base16", "HTTPClient", "HTTPFields", "JSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Image tracking storage: repository protocol, SQLite implementation, migrations. Nothing above it sees SQLite:
        // its errors leave as ImageStoreError, and SQLiteStore opens a file.
        .target(
            name: "ImageStore",
            dependencies: [
                "SQLite", "PostgreSQL", "Crypto", "Base16", "JSON", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Prometheus metrics: counters, gauges, histograms, labelled families, the text exposition format.
        .target(name: "Metrics", dependencies: ["Timekeeping"], swiftSettings: swiftSettings),

        // Settings from the environment and Config/*.env.
        .target(name: "Configuration", swiftSettings: swiftSettings),

        // The REST API of django-cloudflareimages-toolkit, wired from the modules above.
        .target(
            name: "ImagesAPI",
            dependencies: [
                "HTTPServer", "HTTPClient", "HTTPFields", "CloudflareImages", "CloudflareImagesCore", "ImageStore",
                "Configuration",
                "Crypto", "Base16", "JSON", "Metrics", "Timekeeping", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The web console under <prefix>/console/: server-rendered pages over the API, sessions, CSRF, assets.
        .target(
            name: "WebConsole",
            dependencies: [
                "HTTPServer", "HTTPFields", "ImagesAPI", "ImageStore", "CloudflareImagesCore", "Crypto", "Base16",
                "JSON", "Configuration",
            ],
            swiftSettings: swiftSettings
        ),

        // The service's log lines: a buffered sink, the text log handler and the access log, control characters
        // escaped.
        .target(
            name: "LogOutput",
            dependencies: ["HTTPServer", "HTTPFields", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "cfimages",
            dependencies: [
                "HTTPServer", "CloudflareImages", "CloudflareImagesCore", "CloudflareEmulator", "ImageStore",
                "ImagesAPI",
                "Configuration", "HTTPClient", "HTTPFields", "Crypto", "JSON", "LogOutput", "WebConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // What the test targets share: raw loopback clients and servers, the emulator on a loopback server, clocks,
        // polling, seeded randomness, log capture, temp directories, the repository's paths. Only test targets depend
        // on it.
        .target(
            name: "TestSupport",
            dependencies: [
                "CloudflareEmulator", "HTTPServer", "PostgreSQL", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: swiftSettings),
        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping"], swiftSettings: swiftSettings),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "Base16"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["TestSupport", "SQLite"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PostgreSQLTests", dependencies: ["TestSupport", "PostgreSQL"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["TestSupport", "HTTPServer", "HTTPFields", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudflareImagesTests",
            dependencies: [
                "TestSupport", "CloudflareImages", "CloudflareEmulator", "HTTPClient", "HTTPFields", "HTTPServer",
                "Crypto", "JSON",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudflareImagesCoreTests",
            dependencies: ["TestSupport", "CloudflareImagesCore", "Crypto", "Base16"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudflareEmulatorTests",
            dependencies: [
                "TestSupport",
                "CloudflareEmulator", "CloudflareImages", "CloudflareImagesCore", "Base16", "Crypto", "HTTPClient",
                "HTTPFields",
                "HTTPServer", "JSON", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ImageStoreTests",
            dependencies: ["ImageStore", "SQLite", "PostgreSQL", "JSON", "TestSupport", "CloudflareImages"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ImagesAPITests",
            dependencies: [
                "TestSupport",
                "ImagesAPI", "CloudflareEmulator", "CloudflareImages", "CloudflareImagesCore", "Base16", "ImageStore",
                "SQLite",
                "PostgreSQL", "HTTPServer", "HTTPClient", "HTTPFields", "Configuration", "Crypto", "JSON", "WebConsole",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RepositoryTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CommandTests",
            dependencies: [
                "TestSupport",
                "cfimages", "LogOutput", "HTTPServer", "HTTPClient", "CloudflareEmulator", "CloudflareImages",
                "ImagesAPI", "ImageStore",
                "Configuration", "SQLite", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
