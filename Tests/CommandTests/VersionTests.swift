import ArgumentParser
import ImagesAPI
import Testing

@testable import cfimages

/// `cfimages --version`, the OpenAPI document's `info.version` and `/healthz` report one version, written once.
@Suite struct VersionTests {
    @Test func theVersionIsTheDocumentsEverywhere() {
        #expect(OpenAPIDocument.version != "unknown" && !OpenAPIDocument.version.isEmpty)
        #expect(CFImages.configuration.version == OpenAPIDocument.version)
    }
}
