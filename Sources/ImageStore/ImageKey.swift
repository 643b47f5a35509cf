import Foundation

/// How to find one image: by our UUID or by Cloudflare's ID.
public enum ImageKey: Sendable, Hashable {
    case id(UUID)
    case cloudflareID(String)
}
