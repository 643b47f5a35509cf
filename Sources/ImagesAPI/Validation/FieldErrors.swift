import HTTPServer
import JSON

/// Validation errors in DRF's shape, keys in the order they were added (the serializer's field order):
/// `{"field": ["message", ...], "list_field": {"0": ["message"]}, "non_field_errors": [...]}`.
struct FieldErrors: Sendable {
    enum Entry: Sendable {
        case messages([String])
        case indexed([(index: Int, messages: [String])])
    }

    private(set) var entries: [(field: String, entry: Entry)] = []

    var isEmpty: Bool { entries.isEmpty }

    func has(_ field: String) -> Bool { entries.contains { $0.field == field } }

    mutating func add(_ field: String, _ message: String) {
        if let index = entries.firstIndex(where: { $0.field == field }), case .messages(var list) = entries[index].entry
        {
            entries[index].entry = .messages([])  // drop the stored copy so the append does not copy the list
            list.append(message)
            entries[index].entry = .messages(list)
        } else {
            entries.append((field, .messages([message])))
        }
    }

    /// An error on element `index` of a list field.
    mutating func add(_ field: String, index: Int, _ message: String) {
        if let position = entries.firstIndex(where: { $0.field == field }),
            case .indexed(var list) = entries[position].entry
        {
            // Drop the stored copy first: appending to a shared list copied it, making n item errors cost O(n²).
            entries[position].entry = .messages([])
            // One key per index: another message for the element just reported joins its list (an element's
            // messages are added together, so only the last entry is looked at).
            if let last = list.indices.last, list[last].index == index {
                list[last].messages.append(message)
            } else {
                list.append((index, [message]))
            }
            entries[position].entry = .indexed(list)
        } else {
            entries.append((field, .indexed([(index, [message])])))
        }
    }

    mutating func addNonField(_ message: String) { add("non_field_errors", message) }

    /// Throws the 400 when any error was collected.
    func check() throws(ErrorResponse) {
        if !isEmpty { throw error }
    }

    var error: ErrorResponse { ErrorResponse(.badRequest, body: bytes) }

    var bytes: [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        for (field, entry) in entries {
            writer.key(field)
            switch entry {
            case .messages(let messages):
                writer.beginArray()
                for message in messages { writer.string(message) }
                writer.endArray()
            case .indexed(let items):
                writer.beginObject()
                for item in items {
                    writer.key(String(item.index))
                    writer.beginArray()
                    for message in item.messages { writer.string(message) }
                    writer.endArray()
                }
                writer.endObject()
            }
        }
        writer.endObject()
        return writer.bytes
    }
}
