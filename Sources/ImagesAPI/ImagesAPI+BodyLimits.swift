import Configuration
import HTTPServer

extension ImagesAPI {
    /// The body limits the server applies before a request reaches routing or authentication
    /// (`HTTPServer.Configuration.bodyLimit`), chosen from the method and the raw path, compared segment by segment as
    /// the routers compare them (raw, empty segments skipped):
    ///
    /// - `POST <mount>/client/v4/accounts/<account>/images/v1` and `POST <mount>/upload/<token>`, the embedded
    ///   emulator's uploads when it is mounted: Cloudflare's 10 MB image plus room for multipart framing and fields;
    /// - `POST <prefix>/api/webhook`: `webhook`;
    /// - anything else under `<prefix>/api`: `api`, the JSON routes;
    /// - everything else: `other`.
    public struct BodyLimits: Sendable {
        public var api = 1 << 20
        public var webhook = 1 << 20
        public var upload = (10 << 20) + (64 << 10)
        public var other = 1 << 20
        private let prefix: [Substring]
        private let emulatorMount: [Substring]?

        /// - Parameters:
        ///   - pathPrefix: the API's `settings.pathPrefix`.
        ///   - emulatorMountPath: where the embedded emulator is mounted (`/_emulator`), nil without one.
        public init(pathPrefix: String, emulatorMountPath: String?) {
            prefix = Self.segments(pathPrefix)
            emulatorMount = emulatorMountPath.map(Self.segments)
        }

        public func limit(_ method: HTTPMethod, _ rawPath: String) -> Int {
            let path = Self.segments(rawPath)
            if method == .post, let emulatorMount, path.starts(with: emulatorMount) {
                let rest = path.dropFirst(emulatorMount.count)
                if Self.isEmulatorUpload(Array(rest)) { return upload }
            }
            guard path.starts(with: prefix), path.dropFirst(prefix.count).first == "api" else { return other }
            let rest = path.dropFirst(prefix.count + 1)
            return rest.count == 1 && rest.first == "webhook" ? webhook : api
        }

        /// `upload/<token>` or `client/v4/accounts/<account>/images/v1` (see `CloudflareEmulator.makeRouter`).
        private static func isEmulatorUpload(_ rest: [Substring]) -> Bool {
            switch rest.count {
            case 2: return rest[0] == "upload"
            case 6:
                return rest[0] == "client" && rest[1] == "v4" && rest[2] == "accounts" && rest[4] == "images"
                    && rest[5] == "v1"
            default: return false
            }
        }

        private static func segments(_ path: String) -> [Substring] {
            path.split(separator: "/", omittingEmptySubsequences: true)
        }
    }

    /// The server's `bodyLimit` for this API under `settings.pathPrefix`, with the embedded emulator at
    /// `emulatorMountPath` when there is one: ``BodyLimits`` with its default sizes.
    public static func bodyLimit(
        settings: Settings, emulatorMountPath: String?
    ) -> @Sendable (_ method: HTTPMethod, _ rawPath: String) -> Int {
        let limits = BodyLimits(pathPrefix: settings.pathPrefix, emulatorMountPath: emulatorMountPath)
        return { method, rawPath in limits.limit(method, rawPath) }
    }
}
