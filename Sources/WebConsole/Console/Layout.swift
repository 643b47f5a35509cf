import ImageStore

/// The frame of every page: header with navigation, the signed-in user and sign-out, and the main content.
enum Layout {
    enum Section: String, CaseIterable {
        case gallery, upload, stats, tokens, health

        var title: String {
            switch self {
            case .gallery: "Gallery"
            case .upload: "Upload"
            case .stats: "Stats"
            case .tokens: "Tokens"
            case .health: "Health"
            }
        }

        var path: String { self == .gallery ? "images" : rawValue }
        var adminOnly: Bool { self == .tokens || self == .health }
    }

    static func head(_ title: String, base: String, csrf: String?) -> HTML {
        let meta: HTML = csrf.map { "<meta name=\"csrf-token\" content=\"\($0)\">" } ?? .empty
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(title) · cfimages</title>\(meta)\
            <link rel="stylesheet" href="\(base)/static/\(AssetCatalog.css.hashedFileName)">\
            <link rel="icon" href="data:,">\
            <script src="\(base)/static/\(AssetCatalog.js.hashedFileName)" defer></script></head>
            """
    }

    static func page(title: String, current: Section?, visit: Visit, base: String, body: HTML) -> HTML {
        let links = Section.allCases.filter { !$0.adminOnly || visit.session.isAdmin }.map { section -> HTML in
            let attribute: HTML = section == current ? " aria-current=\"page\"" : ""
            return "<a href=\"\(base)/\(section.path)\"\(attribute)>\(section.title)</a>"
        }
        let role = visit.session.isAdmin ? "admin" : "user"
        return """
            \(head(title, base: base, csrf: visit.session.csrfToken))<body>\
            <a class="skip" href="#main">Skip to content</a>\
            <header class="top"><a class="brand" href="\(base)/images">cfimages</a>\
            <nav aria-label="Console">\(links)</nav>\
            <div class="who"><span id="signed-in-as">\(visit.session.userName) (\(role))</span>\
            <form method="post" action="\(base)/sign-out"><input type="hidden" name="csrf" value="\(visit.session.csrfToken)">\
            <button class="link" type="submit" id="sign-out">Sign out</button></form></div></header>\
            <main id="main">\(body)</main></body></html>
            """
    }

    /// A page outside a session (sign-in, errors of a signed-out visitor).
    static func bare(title: String, base: String, body: HTML) -> HTML {
        """
        \(head(title, base: base, csrf: nil))<body><header class="top"><a class="brand" href="\(base)/images">cfimages</a></header>\
        <main id="main">\(body)</main></body></html>
        """
    }
}
