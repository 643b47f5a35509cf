import Configuration
import Foundation
import ImageStore
import JSON
import SQLite
import TestSupport
import Testing

/// The web console's server-side rules over loopback: cookies, headers, CSRF, session expiry and revocation,
/// user isolation, escaping and assets (`make console-test` drives the same pages in a browser).
@Suite struct ConsoleTests {
    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself"))
    func signInSetsAStrictHttpOnlySessionCookie() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let form = try await h.get("/sign-in")
            #expect(form.status == 200)
            let check = try #require(ConsoleHarness.cookieValue(form, "cfimages_signin"))
            let answer = try await h.post(
                "/sign-in", form: [("check", check), ("key", key)], cookies: "cfimages_signin=\(check)")
            #expect(answer.status == 303)
            #expect(answer.header("Location") == "/cloudflare-images/console/images")
            let cookie = try #require(ConsoleHarness.setCookie(answer, "cfimages_session"))
            #expect(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"))
            #expect(cookie.contains("Path=/cloudflare-images/console/"))
            #expect(!cookie.contains("Secure"))
            // Only a hash of the session id is stored.
            let id = try #require(ConsoleHarness.cookieValue(answer, "cfimages_session"))
            let stored = try await h.database.readSnapshot {
                try $0.query("SELECT id_hash FROM console_sessions", []) { $0.text(at: 0) }
            }
            #expect(stored.count == 1 && stored[0] != id && stored[0].count == 64)
        }
    }

    @Test func sessionCookieIsSecureWhenThePublicURLIsHTTPS() async throws {
        try await running(try await ConsoleHarness.start { $0.publicURL = "https://images.example.com" }) { h in
            let key = try await h.token("alice")
            let form = try await h.get("/sign-in")
            #expect(ConsoleHarness.setCookie(form, "cfimages_signin")?.hasSuffix("; Secure") == true)
            let check = try #require(ConsoleHarness.cookieValue(form, "cfimages_signin"))
            let answer = try await h.post(
                "/sign-in", form: [("check", check), ("key", key)], cookies: "cfimages_signin=\(check)")
            #expect(ConsoleHarness.setCookie(answer, "cfimages_session")?.contains("; Secure") == true)
        }
    }

    @Test func badKeysAndForgedSignInsAreRefused() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let form = try await h.get("/sign-in")
            let check = try #require(ConsoleHarness.cookieValue(form, "cfimages_signin"))
            let wrongKey = try await h.post(
                "/sign-in", form: [("check", check), ("key", "nope")], cookies: "cfimages_signin=\(check)")
            #expect(wrongKey.status == 401)
            #expect(ConsoleHarness.setCookie(wrongKey, "cfimages_session") == nil)
            // A form posted from elsewhere has no matching check cookie.
            let forged = try await h.post("/sign-in", form: [("check", check), ("key", key)], cookies: nil)
            #expect(forged.status == 403)
            #expect(ConsoleHarness.setCookie(forged, "cfimages_session") == nil)
            // No open redirect after sign-in.
            let offsite = try await h.post(
                "/sign-in", form: [("check", check), ("key", key), ("next", "//evil.example/x")],
                cookies: "cfimages_signin=\(check)")
            #expect(offsite.header("Location") == "/cloudflare-images/console/images")
        }
    }

    @Test func pagesCarryAStrictContentSecurityPolicy() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let (cookie, _) = try await h.signIn(try await h.token("alice", admin: true))
            for path in ["/images", "/upload", "/stats", "/tokens", "/health", "/sign-in"] {
                let page = try await h.get(path, cookies: cookie)
                #expect(page.status == 200, "\(path)")
                let csp = try #require(page.header("Content-Security-Policy"), "\(path)")
                #expect(
                    csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
                        && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                #expect(page.header("X-Frame-Options") == "DENY")
                #expect(page.header("X-Content-Type-Options") == "nosniff")
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                // No inline script, no inline style, no event handler attribute.
                #expect(
                    !page.text.contains("<script>") && !page.text.contains("style=") && !page.text.contains(" onclick=")
                )
            }
        }
    }

    @Test func stateChangingFormsNeedTheSessionsCSRFToken() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let id = try await h.pendingImage(key, filename: "a.png")
            let (cookie, csrf) = try await h.signIn(key)
            let missing = try await h.post("/images/bulk", form: [("action", "delete"), ("id", id)], cookies: cookie)
            #expect(missing.status == 403)
            let wrong = try await h.post(
                "/images/bulk", form: [("action", "delete"), ("id", id), ("csrf", String(csrf.reversed()))],
                cookies: cookie)
            #expect(wrong.status == 403)
            let signOut = try await h.post("/sign-out", form: [], cookies: cookie)
            #expect(signOut.status == 403)
            let json = try await sendRequest(
                "POST", h.base + "/upload-url", json: #"{"filename": "b.png"}"#, headers: [("Cookie", cookie)])
            #expect(json.status == 403)
            #expect(try await h.repository.image(.id(UUID(uuidString: id)!), owner: nil) != nil)
            let good = try await h.post(
                "/images/bulk", form: [("action", "delete"), ("id", id), ("csrf", csrf)], cookies: cookie)
            #expect(good.status == 200)
            #expect(try await h.repository.image(.id(UUID(uuidString: id)!), owner: nil) == nil)
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let (cookie, csrf) = try await h.signIn(try await h.token("alice"))
            let out = try await h.post("/sign-out", form: [("csrf", csrf)], cookies: cookie)
            #expect(out.status == 303)
            #expect(ConsoleHarness.setCookie(out, "cfimages_session")?.contains("Max-Age=0") == true)
            let after = try await h.get("/images", cookies: cookie)
            #expect(after.status == 303)
            #expect(after.header("Location")?.hasPrefix("/cloudflare-images/console/sign-in") == true)
        }
    }

    @Test func sessionsExpireWhenIdleAndAtTheirAbsoluteLimit() async throws {
        try await running(
            try await ConsoleHarness.start {
                $0.consoleIdleMinutes = 30
                $0.consoleSessionHours = 2
            }
        ) { h in
            let key = try await h.token("alice")
            let (idle, _) = try await h.signIn(key)
            h.clock.advance(29 * 60)
            #expect(try await h.get("/images", cookies: idle).status == 200)
            h.clock.advance(29 * 60)
            #expect(try await h.get("/images", cookies: idle).status == 200, "each visit restarts the idle time")
            h.clock.advance(31 * 60)
            #expect(try await h.get("/images", cookies: idle).status == 303)

            let (busy, _) = try await h.signIn(key)
            for _ in 0..<5 {
                h.clock.advance(20 * 60)
                #expect(try await h.get("/images", cookies: busy).status == 200)
            }
            h.clock.advance(21 * 60)
            #expect(try await h.get("/images", cookies: busy).status == 303, "past two hours however busy")
        }
    }

    @Test func revokingTheTokenEndsItsSessions() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let issued = try await h.repository.createToken(userName: "alice", isAdmin: false, label: "t")
            let (cookie, _) = try await h.signIn(issued.key)
            #expect(try await h.get("/images", cookies: cookie).status == 200)
            #expect(try await h.repository.revokeToken(id: issued.token.id, userName: nil))
            let after = try await h.get("/images", cookies: cookie)
            #expect(after.status == 303)
        }
    }

    @Test func usersSeeOnlyTheirImagesAndNoAdminPages() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let alice = try await h.token("alice")
            let id = try await h.pendingImage(alice, filename: "alice-only.png")
            let (bob, bobCSRF) = try await h.signIn(try await h.token("bob"))
            #expect(try await h.get("/images/\(id)", cookies: bob).status == 404)
            #expect(!(try await h.get("/images", cookies: bob).text.contains("alice-only.png")))
            for path in ["/tokens", "/health"] {
                #expect(try await h.get(path, cookies: bob).status == 403, "\(path)")
            }
            #expect(
                try await h.post(
                    "/tokens", form: [("csrf", bobCSRF), ("user", "mallory"), ("admin", "true")], cookies: bob
                ).status == 403)
            let deleted = try await h.post(
                "/images/bulk", form: [("csrf", bobCSRF), ("action", "delete"), ("id", id)], cookies: bob)
            #expect(deleted.text.contains("not_found"))
            #expect(try await h.repository.image(.id(UUID(uuidString: id)!), owner: nil) != nil)
            let (admin, _) = try await h.signIn(try await h.token("root", admin: true))
            #expect(try await h.get("/images", cookies: admin).text.contains("alice-only.png"))
            #expect(try await h.get("/images/\(id)", cookies: admin).status == 200)
        }
    }

    @Test func hostileFilenamesAndMetadataAreEscaped() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let hostile = "<img src=x onerror=alert(1)>\"'&"
            let id = try await h.pendingImage(
                key, filename: hostile, metadata: #"{"<script>": "</dd><script>alert(2)</script>"}"#)
            let (cookie, _) = try await h.signIn(key)
            for page in [
                try await h.get("/images", cookies: cookie), try await h.get("/images?view=table", cookies: cookie),
                try await h.get("/images/\(id)", cookies: cookie),
            ] {
                #expect(page.status == 200)
                #expect(!page.text.contains("<img src=x") && !page.text.contains("<script>alert"))
                #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"))
            }
            let search = try await h.get("/images?search=%22%3E%3Cscript%3E", cookies: cookie)
            #expect(!search.text.contains("\"><script>"))
        }
    }

    @Test func assetsAreServedByContentHashWithLongCaching() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let page = try await h.get("/sign-in")
            let range = try #require(
                page.text.range(of: #"/static/console\.[0-9a-f]{16}\.css"#, options: .regularExpression))
            let css = try await sendRequest("GET", h.origin + "/cloudflare-images/console" + page.text[range])
            #expect(css.status == 200)
            #expect(css.header("Cache-Control") == "public, max-age=31536000, immutable")
            #expect(css.header("Content-Type") == "text/css; charset=utf-8")
            let widget = try await h.get("/static/cfimages-upload.js")
            #expect(widget.status == 200 && widget.text.contains("data-cfimages-upload"))
            #expect(widget.header("Cache-Control") == "public, max-age=300")
            #expect(try await h.get("/static/console.css").status == 404, "only the hashed name of a console asset")
            #expect(try await h.get("/static/nothing.js").status == 404)
        }
    }

    @Test func markExpiredExpiresPendingImagesOnly() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let alice = try await h.token("alice")
            let pending = try await h.pendingImage(alice, filename: "pending.png")
            let other = try await h.pendingImage(try await h.token("bob"), filename: "bobs.png")
            let (cookie, csrf) = try await h.signIn(alice)
            let answer = try await h.post(
                "/images/bulk", form: [("csrf", csrf), ("action", "expire"), ("id", pending), ("id", other)],
                cookies: cookie)
            #expect(answer.status == 200)
            #expect(answer.text.contains("expired") && answer.text.contains("not_found"))
            let expired = try #require(try await h.repository.image(.id(UUID(uuidString: pending)!), owner: nil))
            #expect(expired.status == .expired)
            #expect(try await h.repository.image(.id(UUID(uuidString: other)!), owner: nil)?.status == .pending)
            let logs = try await h.repository.logs(imageID: expired.id, limit: nil)
            #expect(logs.contains { $0.message == "Marked expired by alice before an upload" })
            let again = try await h.post(
                "/images/bulk", form: [("csrf", csrf), ("action", "expire"), ("id", pending)], cookies: cookie)
            #expect(again.text.contains("not_pending"))
        }
    }

    @Test func galleryPagesByKeysetCursorBothWays() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            var ids: [String] = []
            for i in 0..<50 { ids.append(try await h.pendingImage(key, filename: String(format: "p%02d.png", i))) }
            let (cookie, _) = try await h.signIn(key)
            func names(_ html: String) -> [String] {
                html.components(separatedBy: "class=\"name\" href=").dropFirst().compactMap { part in
                    part.split(separator: ">", maxSplits: 1).last.map { String($0.prefix { $0 != "<" }) }
                }
            }
            func link(_ html: String, _ rel: String) -> String? {
                guard let range = html.range(of: "rel=\"\(rel)\" href=\"") else { return nil }
                let href = String(html[range.upperBound...].prefix { $0 != "\"" })
                return href.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(
                    of: "/cloudflare-images/console", with: "")
            }
            let first = try await h.get("/images", cookies: cookie).text
            #expect(names(first) == (2..<50).reversed().map { String(format: "p%02d.png", $0) })
            #expect(link(first, "prev") == nil)
            let nextPath = try #require(link(first, "next"))
            let second = try await h.get(nextPath, cookies: cookie).text
            #expect(names(second) == ["p01.png", "p00.png"])
            #expect(link(second, "next") == nil)
            let back = try await h.get(try #require(link(second, "prev")), cookies: cookie).text
            #expect(names(back) == names(first))
            #expect(link(back, "prev") == nil)
        }
    }

    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself"))
    func statsChartUploadsPerDayFromTheTriggers() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let now = Int64(h.clock.now.timeIntervalSince1970 * 1_000_000)
            try await h.database.write { connection in
                for (i, owner) in ["alice", "alice", "bob"].enumerated() {
                    try connection.execute(
                        """
                        INSERT INTO images (id, cloudflare_id, owner, status, created_at, updated_at, uploaded_at, expires_at)
                        VALUES (?, ?, ?, 'uploaded', ?, ?, ?, ?)
                        """,
                        [
                            .text(UUID().uuidString.lowercased()), .text("day-\(i)"), .text(owner), .integer(now),
                            .integer(now),
                            .integer(now), .integer(now),
                        ])
                }
                // An upload completing later counts once, on its day.
                try connection.execute(
                    "INSERT INTO images (id, cloudflare_id, owner, status, created_at, updated_at, expires_at) VALUES (?, 'later', 'alice', 'pending', ?, ?, ?)",
                    [.text(UUID().uuidString.lowercased()), .integer(now), .integer(now), .integer(now)])
                try connection.execute(
                    "UPDATE images SET uploaded_at = ?, status = 'uploaded' WHERE cloudflare_id = 'later'",
                    [.integer(now)])
                try connection.execute(
                    "UPDATE images SET uploaded_at = ? WHERE cloudflare_id = 'later'", [.integer(now + 1)])
            }
            let (alice, _) = try await h.signIn(key)
            let page = try await h.get("/stats", cookies: alice)
            #expect(page.status == 200)
            #expect(page.text.contains("id=\"uploads-chart\""))
            #expect(page.text.contains("you: 3 in all"))
            let (admin, _) = try await h.signIn(try await h.token("root", admin: true))
            #expect(try await h.get("/stats", cookies: admin).text.contains("every user: 4 in all"))
        }
    }

    @Test func ownerAndDateRangeFiltersInTheAPIAndTheGallery() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let alice = try await h.token("alice")
            let bob = try await h.token("bob")
            let admin = try await h.token("root", admin: true)
            _ = try await h.pendingImage(alice, filename: "alice-one.png")
            _ = try await h.pendingImage(bob, filename: "bob-one.png")
            func list(_ key: String, _ query: String) async throws -> [String] {
                let answer = try await sendRequest(
                    "GET", h.origin + "/cloudflare-images/api/images/?" + query, token: key)
                #expect(answer.status == 200, "\(query): \(answer.text)")
                guard case .array(let items)? = answer.object?["results"] else { return [] }
                return items.compactMap { item in
                    [item.objectValue?.string("filename"), item.objectValue?.string("original_filename")].compactMap {
                        $0
                    }.first { !$0.isEmpty }
                }.sorted()
            }
            #expect(try await list(admin, "owner=bob") == ["bob-one.png"])
            #expect(try await list(alice, "owner=alice") == ["alice-one.png"])
            #expect(try await list(alice, "owner=bob").isEmpty, "a user naming another user gets nothing")
            #expect(
                try await list(admin, "created_after=2000-01-01T00:00:00Z&created_before=2999-01-01T00:00:00Z").count
                    == 2)
            #expect(try await list(admin, "created_after=2999-01-01T00:00:00Z").isEmpty)
            #expect(try await list(admin, "expires_before=2000-01-01T00:00:00Z").isEmpty)
            #expect(try await list(admin, "expires_after=2000-01-01T00:00:00Z").count == 2)
            let bad = try await sendRequest(
                "GET", h.origin + "/cloudflare-images/api/images/?created_after=yesterday", token: admin)
            #expect(bad.status == 400 && bad.text.contains("created_after"))

            let (adminCookie, _) = try await h.signIn(admin)
            let bobs = try await h.get(
                "/images?owner=bob&created_from=2000-01-01&expires_to=2999-12-31", cookies: adminCookie)
            #expect(bobs.text.contains("bob-one.png") && !bobs.text.contains("alice-one.png"))
            let (aliceCookie, _) = try await h.signIn(alice)
            let own = try await h.get("/images?owner=bob", cookies: aliceCookie)
            #expect(own.text.contains("alice-one.png"), "the owner field is an admin's; a user's gallery ignores it")
            #expect(!own.text.contains("id=\"f-owner\""))
        }
    }
}
