import Base16
import Crypto

/// A file compiled into the binary and served under `static/`: at `<name>.<hash>.<ext>` with a year-long immutable
/// cache (the hash is of the content, computed at start-up, so a changed file gets a new URL), and for
/// ``stable`` assets also at `<name>.<ext>` with a short cache (what host pages embed).
struct Asset: Sendable {
    let name: String
    let ext: String
    let contentType: String
    let bytes: [UInt8]
    let hash: String
    let stable: Bool

    init(name: String, ext: String, contentType: String, text: String, stable: Bool = false) {
        self.name = name
        self.ext = ext
        self.contentType = contentType
        self.bytes = Array(text.utf8)
        self.hash = String(Hex.encode(SHA256.hash(bytes)).prefix(16))
        self.stable = stable
    }

    var hashedFileName: String { "\(name).\(hash).\(ext)" }
    var stableFileName: String { "\(name).\(ext)" }
}

/// The console's assets, by the file names they are served at.
struct AssetCatalog: Sendable {
    static let css = Asset(
        name: "console", ext: "css", contentType: "text/css; charset=utf-8", text: ConsoleStylesheet.text)
    static let js = Asset(
        name: "console", ext: "js", contentType: "text/javascript; charset=utf-8", text: ConsoleScript.text)
    static let widget = Asset(
        name: "cfimages-upload", ext: "js", contentType: "text/javascript; charset=utf-8",
        text: UploadWidgetScript.text,
        stable: true)
    static let all = [css, js, widget]

    /// `(asset, immutable)` for a file name under `static/`.
    static func lookup(_ fileName: String) -> (Asset, immutable: Bool)? {
        for asset in all {
            if fileName == asset.hashedFileName { return (asset, true) }
            if asset.stable, fileName == asset.stableFileName { return (asset, false) }
        }
        return nil
    }
}
