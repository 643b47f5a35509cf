import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the top-level JSON array of a `manage.py dumpdata` file one element at a time, in bounded memory: the
/// file is read in chunks and only the element being scanned is kept (`next()` hands out its bytes, to be parsed with
/// `JSONValue.parse`).
///
/// Element boundaries are found by a scanner that knows strings (with their escapes), nesting of `{}` and `[]`, and
/// bare scalars; it does not validate what it skips, so an element with broken JSON inside is still handed out (and
/// fails to parse) while the elements after it are read normally. What cannot be recovered from, because the next
/// element's start is unknown, ends the read with a `DjangoDumpError`: no top-level array, a missing `,` between
/// elements, a trailing comma, data after the closing `]`, or a file that ends inside the array.
public final class DjangoDumpReader {
    /// One element of the array.
    public struct Element: Sendable {
        /// Its position in the array, from 0.
        public var index: Int
        /// The file offset of its first byte.
        public var offset: Int
        /// Its bytes; empty when it was larger than `maxElementBytes` (`size` tells how large).
        public var bytes: [UInt8]
        public var size: Int
        public var isTooLarge: Bool { bytes.count != size }
    }

    private enum State {
        case start, beforeFirst, beforeElement, inElement, afterElement, end, finished
    }

    private let read: (UnsafeMutableRawBufferPointer) throws(DjangoDumpError) -> Int
    private let close: () -> Void
    private let maxElementBytes: Int
    /// The bytes read last (`chunkCount` of them), owned by the reader.
    private let chunk: UnsafeMutableBufferPointer<UInt8>
    private var chunkCount = 0
    private var position = 0
    /// File offset of `chunk[0]`.
    private var chunkOffset = 0
    private var state = State.start
    private var current: [UInt8] = []
    private var currentSize = 0
    private var currentOffset = 0
    private var nextIndex = 0
    // The element being scanned.
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var scalar = false

    /// The size of the file, when read from one.
    public let fileSize: Int?

    /// Bytes consumed so far.
    public var bytesRead: Int { chunkOffset + position }

    /// Opens `path` for reading.
    /// - Parameters:
    ///   - chunkSize: bytes read from the file at a time.
    ///   - maxElementBytes: elements larger than this are handed out without their bytes (`isTooLarge`).
    public convenience init(
        path: String, chunkSize: Int = 1 << 20, maxElementBytes: Int = 64 << 20
    ) throws(DjangoDumpError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DjangoDumpError("cannot open \(path): \(String(cString: strerror(errno)))", offset: 0)
        }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : nil
        self.init(
            fileSize: size, chunkSize: chunkSize, maxElementBytes: maxElementBytes,
            read: { buffer throws(DjangoDumpError) in
                while true {
                    let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                    if count >= 0 { return count }
                    if errno != EINTR {
                        throw DjangoDumpError("cannot read \(path): \(String(cString: strerror(errno)))", offset: 0)
                    }
                }
            },
            close: { _ = Glibc.close(descriptor) })
    }

    /// Reads `bytes` as if they were a file read `chunkSize` bytes at a time (for tests).
    public convenience init(bytes: [UInt8], chunkSize: Int = 1 << 20, maxElementBytes: Int = 64 << 20) {
        var at = 0
        self.init(
            fileSize: bytes.count, chunkSize: chunkSize, maxElementBytes: maxElementBytes,
            read: { buffer in
                let count = min(buffer.count, bytes.count - at)
                if count > 0 {
                    bytes.withUnsafeBytes { source in
                        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[at..<(at + count)]))
                    }
                }
                at += count
                return count
            },
            close: {})
    }

    private init(
        fileSize: Int?, chunkSize: Int, maxElementBytes: Int,
        read: @escaping (UnsafeMutableRawBufferPointer) throws(DjangoDumpError) -> Int, close: @escaping () -> Void
    ) {
        self.fileSize = fileSize
        self.read = read
        self.close = close
        self.maxElementBytes = max(0, maxElementBytes)
        chunk = .allocate(capacity: max(1, chunkSize))
    }

    deinit {
        close()
        chunk.deallocate()
    }

    /// The next element, or nil after the closing `]`.
    /// - Throws: `DjangoDumpError` when the file is not a well-formed array of elements (then nil ever after).
    public func next() throws(DjangoDumpError) -> Element? {
        do {
            return try scan()
        } catch {
            state = .finished
            current = []
            throw error
        }
    }

    private func scan() throws(DjangoDumpError) -> Element? {
        while true {
            if state == .finished { return nil }
            if position == chunkCount {
                guard try refill() else { return try endOfFile() }
            }
            if state == .inElement {
                if let element = try scanElement() { return element }
                continue
            }
            let byte = chunk[position]
            if Self.isWhitespace(byte) {
                position += 1
                continue
            }
            switch state {
            case .start:
                // A UTF-8 byte order mark is allowed before the array (Python's json.load refuses it; files saved
                // by editors may have one).
                if bytesRead == 0, byte == 0xEF {
                    try skipByteOrderMark()
                    continue
                }
                guard byte == UInt8(ascii: "[") else { throw error("a dumpdata file is a JSON array: expected '['") }
                position += 1
                state = .beforeFirst
            case .beforeFirst, .beforeElement:
                if byte == UInt8(ascii: "]") {
                    guard state == .beforeFirst else { throw error("a ',' before ']' (trailing comma)") }
                    position += 1
                    state = .end
                    continue
                }
                guard byte != UInt8(ascii: ",") else { throw error("expected an element, found ','") }
                beginElement(byte)
            case .afterElement:
                position += 1
                if byte == UInt8(ascii: ",") {
                    state = .beforeElement
                } else if byte == UInt8(ascii: "]") {
                    state = .end
                } else {
                    position -= 1
                    throw error("expected ',' or ']' after element \(nextIndex - 1)")
                }
            case .end:
                throw error("data after the closing ']'")
            case .inElement, .finished:
                break
            }
        }
    }

    private func beginElement(_ byte: UInt8) {
        state = .inElement
        current.removeAll(keepingCapacity: current.capacity <= 1 << 16)
        currentSize = 0
        currentOffset = bytesRead
        depth = 0
        inString = false
        escaped = false
        scalar = byte != UInt8(ascii: "{") && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "\"")
    }

    /// Scans the current element through the buffered bytes; returns it once its last byte is seen.
    private func scanElement() throws(DjangoDumpError) -> Element? {
        let start = position
        var end: Int?
        do {
            let bytes = chunk
            var i = position
            let count = chunkCount
            while i < count {
                let byte = bytes[i]
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                        if depth == 0 {
                            end = i + 1
                            break
                        }
                    }
                    i += 1
                    continue
                }
                if scalar {
                    if Self.isWhitespace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                        end = i
                        break
                    }
                    i += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { end = i + 1 }
                default: break
                }
                i += 1
                if end != nil { break }
            }
            position = end ?? count
        }
        keep(start..<position)
        guard end != nil else { return nil }
        return finishElement()
    }

    private func keep(_ range: Range<Int>) {
        let count = range.count
        guard count > 0 else { return }
        if currentSize + count <= maxElementBytes {
            current.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[range]))
        } else if !current.isEmpty {
            current = []
        }
        currentSize += count
    }

    private func finishElement() -> Element {
        let element = Element(index: nextIndex, offset: currentOffset, bytes: current, size: currentSize)
        nextIndex += 1
        state = .afterElement
        return element
    }

    private func endOfFile() throws(DjangoDumpError) -> Element? {
        switch state {
        case .end:
            state = .finished
            return nil
        case .inElement where scalar:
            // A bare scalar at the very end (no ']' follows): hand it out, then report the missing ']'.
            return finishElement()
        case .start:
            throw error("the file is empty or holds only whitespace, not a JSON array")
        case .inElement:
            throw DjangoDumpError(
                "the file ends inside element \(nextIndex) (which starts at byte \(currentOffset)): truncated?",
                offset: bytesRead)
        default:
            throw error("the file ends before the closing ']': truncated?")
        }
    }

    private func skipByteOrderMark() throws(DjangoDumpError) {
        for expected: UInt8 in [0xEF, 0xBB, 0xBF] {
            if position == chunkCount { guard try refill() else { throw error("a dumpdata file is a JSON array") } }
            guard chunk[position] == expected else { throw error("a dumpdata file is a JSON array: expected '['") }
            position += 1
        }
    }

    /// Reads the next chunk; false at the end of the file.
    private func refill() throws(DjangoDumpError) -> Bool {
        chunkOffset += chunkCount
        position = 0
        chunkCount = 0
        let count = try read(UnsafeMutableRawBufferPointer(chunk))
        chunkCount = min(count, chunk.count)
        return count > 0
    }

    private func error(_ reason: String) -> DjangoDumpError {
        DjangoDumpError(reason + " at byte \(bytesRead)", offset: bytesRead)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// A dump that cannot be read on: what is wrong and where.
public struct DjangoDumpError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    /// The file offset where reading stopped.
    public var offset: Int

    public init(_ reason: String, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { reason }
}
