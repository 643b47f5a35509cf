import CloudflareImages
import CloudflareImagesCore
import Configuration
import Foundation
import HTTPServer
import ImageStore
import JSON

/// `GET api/images/{id}/srcset/?widths=320,640,1024&sizes=...&formats=avif,webp&alt=...&class=...`:
/// `{"src", "srcset", "sizes", "html"}`, the seed's `cf_responsive_img` / `cf_picture` template tags as a service.
///
/// Each candidate is a flexible variant (`fit=scale-down,format=<format>,quality=<quality>,width=<w>`), built by
/// ``ResponsiveImage``. `html` is an `<img>` tag, or with `formats` a `<picture>` with one `<source>` per format
/// before the `<img>` fallback; every attribute value (`alt`, `class`, `sizes`, URLs) is HTML-escaped.
///
/// Parameters: `widths` (default `320,640,1024`, each `1...12000`, at most 20), `sizes` (default `100vw`),
/// `formats` (`avif`, `webp`, `jpeg`), `format` of `src`/`srcset` (default `auto`), `quality` (`1...100`,
/// default 85), `alt`, `class`, `lazy` (`true`/`false`, default true: `loading="lazy"`). Others are a 400.
/// A private image is refused: flexible variants cannot be used with images that require signed URLs. Every image
/// is refused while `CLOUDFLARE_IMAGES_FLEXIBLE_VARIANTS` is false (the account has flexible variants off).
extension DeliveryEndpoints {
    static let srcsetParameters: Set<String> = [
        "widths", "sizes", "formats", "format", "quality", "alt", "class", "lazy",
    ]
    static let maxWidths = 20
    static let maxTextLength = 1000

    func srcset(_ request: Request, _ caller: Caller) async throws -> Response {
        let options = try Self.srcsetOptions(try Self.parameters(request))
        let (image, target) = try await target(request, caller)
        guard context.settings.flexibleVariants else {
            throw ErrorResponse.detail(.badRequest, Self.flexibleVariantsOff)
        }
        guard !image.requireSignedURLs else { throw ErrorResponse.detail(.badRequest, Self.flexibleOnPrivate) }

        let responsive: ResponsiveImage
        let html: String
        do {
            responsive = try ResponsiveImage(
                source: target.base.string, widths: options.widths, quality: options.quality, format: options.format,
                sizes: options.sizes, parser: target.parser)
            html =
                options.formats.isEmpty
                ? responsive.imgTag(alt: options.alt, cssClass: options.cssClass, lazy: options.lazy)
                : try responsive.pictureTag(
                    alt: options.alt, cssClass: options.cssClass, formats: options.formats, lazy: options.lazy)
        } catch {
            throw Self.fieldError(error)
        }

        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("src")
        writer.string(responsive.src)
        writer.key("srcset")
        writer.string(responsive.srcset)
        writer.key("sizes")
        writer.string(responsive.sizes)
        writer.key("html")
        writer.string(html)
        writer.endObject()
        return context.json(writer.bytes)
    }

    struct SrcsetOptions {
        var widths = ResponsiveImage.defaultWidths
        var sizes = "100vw"
        var formats: [Transformation.Format] = []
        var format = Transformation.Format.auto
        var quality = 85
        var alt = ""
        var cssClass = ""
        var lazy = true
    }

    static func srcsetOptions(_ parameters: [String: String]) throws(ErrorResponse) -> SrcsetOptions {
        var options = SrcsetOptions()
        var errors = FieldErrors()
        for name in parameters.keys.sorted() where !srcsetParameters.contains(name) {
            errors.add(name, "Unknown parameter; expected one of \(srcsetParameters.sorted().joined(separator: ", ")).")
        }
        if let text = parameters["widths"] {
            do {
                options.widths = try ResponsiveImage.parseWidths(text)
                for width in options.widths where !Transformation.dimensionRange.contains(width) {
                    errors.add("widths", "width must be in 1...12000, got \(width)")
                }
                if options.widths.count > maxWidths { errors.add("widths", "Give at most \(maxWidths) widths.") }
            } catch {
                errors.add("widths", error.description)
            }
        }
        for (name, value) in [
            ("sizes", parameters["sizes"]), ("alt", parameters["alt"]), ("class", parameters["class"]),
        ] {
            if let value, value.count > maxTextLength {
                errors.add(name, "Ensure this field has no more than \(maxTextLength) characters.")
            }
        }
        if let sizes = parameters["sizes"] {
            if sizes.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.add("sizes", "This field may not be blank.")
            }
            options.sizes = sizes
        }
        options.alt = parameters["alt"] ?? ""
        options.cssClass = parameters["class"] ?? ""
        if let text = parameters["formats"] {
            for piece in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !piece.isEmpty {
                guard let format = Transformation.Format(rawValue: piece), format.mimeType != nil else {
                    errors.add("formats", "invalid format '\(piece)': expected avif, webp or jpeg")
                    continue
                }
                if !options.formats.contains(format) { options.formats.append(format) }
            }
        }
        if let text = parameters["format"] {
            if let format = Transformation.Format(rawValue: text), format != .json {
                options.format = format
            } else {
                errors.add("format", "invalid format '\(text)': expected auto, avif, webp or jpeg")
            }
        }
        if let text = parameters["quality"] {
            if let quality = Int(text), Transformation.qualityRange.contains(quality) {
                options.quality = quality
            } else {
                errors.add("quality", "quality must be an integer in 1...100, got \(text)")
            }
        }
        switch parameters["lazy"]?.lowercased() {
        case nil, "true", "1", "yes": options.lazy = true
        case "false", "0", "no": options.lazy = false
        default: errors.add("lazy", "Must be a valid boolean.")
        }
        try errors.check()
        return options
    }
}
