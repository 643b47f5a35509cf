import Foundation
import JSON

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a dumpdata file (`[` + one object per line + `]`) to a temporary file beside `path`, in bounded memory,
/// and moves it to `path` only once complete, so an interrupted export never leaves a file that looks whole.
final class DjangoDumpWriter {
    private let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var objects = 0
    private static let flushBytes = 1 << 20

    init(path: String) throws {
        self.path = path
        temporaryPath = path + ".partial"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure("cannot create \(temporaryPath)") }
        buffer.reserveCapacity(Self.flushBytes + (64 << 10))
        buffer.append(UInt8(ascii: "["))
    }

    deinit { abandon() }

    /// Appends one object `{"model": model, "pk": pk, "fields": {...}}`; `fields` writes the members of `fields`.
    func write(model: String, pk: JSONValue?, fields: (inout JSONWriter) -> Void) throws {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("model")
        writer.string(model)
        if let pk {
            writer.key("pk")
            writer.value(pk)
        }
        writer.key("fields")
        writer.beginObject()
        fields(&writer)
        writer.endObject()
        writer.endObject()
        buffer.append(contentsOf: objects == 0 ? [UInt8(ascii: "\n")] : [UInt8(ascii: ","), UInt8(ascii: "\n")])
        buffer.append(contentsOf: writer.bytes)
        objects += 1
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Ends the array, syncs the file and moves it into place.
    func finish() throws {
        buffer.append(contentsOf: Array("\n]\n".utf8))
        try flush()
        guard fsync(descriptor) == 0 else { throw Self.failure("cannot sync \(temporaryPath)") }
        guard close(descriptor) == 0 else {
            descriptor = -1
            throw Self.failure("cannot close \(temporaryPath)")
        }
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else { throw Self.failure("cannot move \(temporaryPath) to \(path)") }
    }

    /// Closes and removes the temporary file (nothing once `finish` succeeded).
    func abandon() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }

    private func flush() throws {
        var written = 0
        while written < buffer.count {
            let count = buffer.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + written, bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.failure("cannot write \(temporaryPath)")
            }
            written += count
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func failure(_ what: String) -> DjangoDumpError {
        DjangoDumpError("\(what): \(String(cString: strerror(errno)))", offset: 0)
    }
}
