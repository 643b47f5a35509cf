import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Secrets kept in files of the data directory (the embedded emulator's API token, signing key and webhook secret).
///
/// A file is written whole to a private temporary file (created 0600 with `O_EXCL`, never widened by the umask),
/// then published with `link`, which fails if the name exists: a reader never sees a partial secret, and two
/// processes starting at once (`serve` and a CLI command) both end up with whichever secret was published first.
enum SecretFile {
    /// `path` as a directory only its owner can enter (0700), made with its parents when missing.
    static func privateDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(path, 0o700) == 0 else { throw CommandFailure("Cannot make \(path) private: \(errnoMessage())") }
    }

    /// The secret in `directory/name`, made (32 random bytes, hex) and published on first use.
    static func readOrCreate(named name: String, in directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        for _ in 0..<20 {
            if let existing = read(path) { return existing }
            let secret = try SecureRandom.hexString(byteCount: 32)
            let temporary = path + ".tmp-" + (try SecureRandom.hexString(byteCount: 8))
            try write(secret, to: temporary)
            defer { unlink(temporary) }
            if link(temporary, path) == 0 { return secret }
            guard errno == EEXIST else { throw CommandFailure("Cannot write \(path): \(errnoMessage())") }
        }
        throw CommandFailure("Cannot read \(path): it stays empty")
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    private static func write(_ secret: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CommandFailure("Cannot create \(path): \(errnoMessage())") }
        defer { close(fd) }
        let bytes = Array(secret.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw CommandFailure("Cannot write \(path): \(errnoMessage())")
        }
    }

    private static func errnoMessage() -> String { String(cString: strerror(errno)) }
}
