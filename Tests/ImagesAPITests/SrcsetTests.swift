import Foundation
import JSON
import Testing

/// `GET api/images/{id}/srcset/` against the embedded emulator.
@Suite struct SrcsetTests {
    @Test func imgTagWithEscapedAltAndClass() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false)
            let stored = try #require(try await service.get("api/images/\(id)/").object?.string("public_url"))
            let base = String(stored.dropLast("public".count))
            let alt = #"A "cat" <b>&'"#
            let cssClass = #"hero" onload="x"#
            let query =
                "widths=640,320&sizes=(max-width:%20600px)%20100vw,%20600px&alt="
                + (alt.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                + "&class=" + (cssClass.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let answer = try await service.get("api/images/\(id)/srcset/?\(query)")
            #expect(answer.status == 200)
            let object = try #require(answer.object)
            let small = base + "fit=scale-down,format=auto,quality=85,width=320"
            let large = base + "fit=scale-down,format=auto,quality=85,width=640"
            #expect(object.string("src") == small)
            #expect(object.string("srcset") == "\(small) 320w, \(large) 640w")
            #expect(object.string("sizes") == "(max-width: 600px) 100vw, 600px")
            let html = try #require(object.string("html"))
            #expect(html.hasPrefix("<img src=\"\(small)\" srcset=\"\(small) 320w, \(large) 640w\""))
            #expect(html.contains(#"alt="A &quot;cat&quot; &lt;b&gt;&amp;&#39;""#))
            #expect(html.contains(#"class="hero&quot; onload=&quot;x""#))
            #expect(html.hasSuffix(#" loading="lazy">"#))
            #expect(!html.contains("<b>"))

            // Every candidate opens against the emulator.
            #expect(try await service.fetch(large).status == 200)
        }
    }

    @Test func pictureTagPerFormatAndDefaults() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false)
            let answer = try await service.get("api/images/\(id)/srcset/?formats=avif,webp&quality=70&lazy=false")
            #expect(answer.status == 200)
            let object = try #require(answer.object)
            #expect(object.string("sizes") == "100vw")
            let srcset = try #require(object.string("srcset"))
            #expect(
                srcset.components(separatedBy: ", ").map { $0.split(separator: " ").last.map(String.init) }
                    == ["320w", "640w", "1024w"])
            let html = try #require(object.string("html"))
            #expect(html.hasPrefix(#"<picture><source type="image/avif" srcset=""#))
            #expect(html.contains(#"<source type="image/webp" srcset=""#))
            #expect(html.contains("format=avif,quality=70,width=1024 1024w"))
            #expect(html.contains(#"alt="""#))
            #expect(!html.contains("loading="))
            #expect(!html.contains("class="))
            #expect(html.hasSuffix("></picture>"))
        }
    }

    @Test func invalidParametersAndPrivateImages() async throws {
        try await withEmulatorService { service in
            let id = try await service.upload(signed: false)
            let cases: [(String, String)] = [
                ("widths=0", "widths"), ("widths=abc", "widths"), ("widths=", "widths"), ("formats=gif", "formats"),
                ("formats=auto", "formats"), ("quality=0", "quality"), ("format=json", "format"),
                ("lazy=maybe", "lazy"),
                ("width=300", "width"), ("sizes=%20", "sizes"),
                ("widths=" + (1...21).map(String.init).joined(separator: ","), "widths"),
            ]
            for (query, field) in cases {
                let answer = try await service.get("api/images/\(id)/srcset/?\(query)")
                #expect(answer.status == 400, "\(query)")
                #expect(answer.object?.messages(field)?.isEmpty == false, "\(query): \(answer.text)")
            }

            let privateID = try await service.upload(signed: true)
            let refused = try await service.get("api/images/\(privateID)/srcset/")
            #expect(refused.status == 400)
            #expect(
                refused.object?.string("detail")
                    == "Flexible variants cannot be used with images that require signed URLs.")
        }
    }
}
