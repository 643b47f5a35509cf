import CloudflareEmulator
import Configuration
import Foundation
import JSON
import Testing

/// `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS=false`: transformation URLs and srcset are a 400 naming the setting and how
/// to enable flexible variants; named variants keep working. Against the embedded emulator with them off too.
@Suite struct FlexibleVariantsSettingTests {
    @Test func optionsAreRefusedAndNamedVariantsStillWork() async throws {
        try await withEmulatorService(configure: { $0.flexibleVariants = false }) { service in
            service.emulator.setFlexibleVariants(false)
            let id = try await service.upload(signed: false)
            for query in ["width=300", "w=300&fit=cover", "variant=w=300,fit=cover"] {
                let refused = try await service.get("api/images/\(id)/url/?\(query)")
                #expect(refused.status == 400, "\(query)")
                let detail = try #require(refused.object?.string("detail"), "\(query)")
                #expect(detail.contains("Flexible variants are off for this Cloudflare account"))
                #expect(detail.contains("CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS"))
                #expect(detail.contains(#"{"flexible_variants": true}"#))
                #expect(detail.contains("images/v1/config"))
            }
            let srcset = try await service.get("api/images/\(id)/srcset/?widths=320,640")
            #expect(srcset.status == 400)
            #expect(srcset.object?.string("detail")?.contains("CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS") == true)

            for query in ["", "?variant=thumbnail"] {
                let named = try await service.get("api/images/\(id)/url/\(query)")
                #expect(named.status == 200, "\(query)")
                let url = try #require(named.object?.string("url"))
                #expect(try await service.fetch(url).status == 200, "\(url)")
            }
            // Validation still comes first: a bad option is its own 400.
            let bad = try await service.get("api/images/\(id)/url/?width=0")
            #expect(bad.status == 400)
            #expect(bad.object?["width"] != nil)
        }
    }

    /// What the setting prevents: with the account's flexible variants off and the setting left true, the URL the
    /// service hands out is one Cloudflare refuses.
    @Test func withTheSettingLeftOnTheURLIsRefusedByCloudflare() async throws {
        try await withEmulatorService { service in
            service.emulator.setFlexibleVariants(false)
            let id = try await service.upload(signed: false)
            let answer = try await service.get("api/images/\(id)/url/?width=300")
            #expect(answer.status == 200)
            let url = try #require(answer.object?.string("url"))
            let delivered = try await service.fetch(url)
            #expect(delivered.status == 403)
            #expect(delivered.header("Cf-Resized") == "err=9429")
        }
    }

    @Test func theSettingIsABooleanDefaultingToOn() throws {
        #expect(try Settings(values: [:]).flexibleVariants)
        #expect(try Settings(values: ["CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS": "false"]).flexibleVariants == false)
        #expect(try Settings(values: ["CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS": "on"]).flexibleVariants)
        #expect(throws: SettingsError.self) { try Settings(values: ["CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS": "maybe"]) }
        #expect(Settings.names.contains("CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS"))
    }
}
