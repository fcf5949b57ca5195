// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "igncc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "igncc", targets: ["igncc"]),
        .library(name: "IgnitionCompiler", targets: ["IgnitionCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // igncc serve. Its default traits (swift-configuration, full Foundation) are not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        // Hummingbird's own dependencies, named because igncc serve uses them directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // System libraries, wrapped once each inside IgnitionCompiler (YAML/, JSON/).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        // renameat2 and syncfs, which Swift's Glibc module does not export.
        .target(name: "CIgnccSystem"),
        .target(
            name: "IgnitionCompiler",
            dependencies: [
                "CYAML",
                "CJansson",
                "CIgnccSystem",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "InventoryGen",
            dependencies: ["IgnitionCompiler"]
        ),
        .executableTarget(
            name: "igncc",
            dependencies: [
                "IgnitionCompiler",
                "InventoryGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "IgnitionCompilerTests",
            dependencies: ["IgnitionCompiler", "InventoryGen"],
            exclude: ["Fixtures"]
        ),
    ]
)
