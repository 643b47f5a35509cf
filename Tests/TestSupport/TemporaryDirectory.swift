import Foundation

/// A fresh directory under the system temp dir, removed on deinit.
public final class TemporaryDirectory {
    public let path: String

    public init(prefix: String = "cfimages-tests-") throws {
        path = try makeTemporaryDirectory(prefix: prefix)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Creates a fresh directory under the system temp dir, named `prefix` and a UUID, and returns its path; the caller
/// removes it.
public func makeTemporaryDirectory(prefix: String) throws -> String {
    let path = NSTemporaryDirectory() + prefix + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
