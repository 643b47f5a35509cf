/// Charts drawn on the server as inline SVG (no script): labelled horizontal bars.
enum SVGChart {
    /// One bar per `(label, value)`, scaled to the largest; each labelled with its value, and a text title for
    /// screen readers.
    static func bars(_ title: String, _ rows: [(label: String, value: Int)], maximum: Int? = nil) -> HTML {
        let largest = max(1, maximum ?? rows.map(\.value).max() ?? 1)
        let rowHeight = 30, labelWidth = 120, barWidth = 460
        let height = rows.count * rowHeight + 10
        let bars = rows.enumerated().map { index, row -> HTML in
            let y = index * rowHeight + 5
            let width = max(row.value > 0 ? 2 : 0, Int(Double(row.value) / Double(largest) * Double(barWidth)))
            return """
                <text x="0" y="\(y + 18)" font-size="13" fill="#1c2430">\(row.label)</text>\
                <rect x="\(labelWidth)" y="\(y + 4)" width="\(width)" height="18" rx="3" fill="#2457d6"></rect>\
                <text x="\(labelWidth + width + 6)" y="\(y + 18)" font-size="13" fill="#5b6675">\(row.value)</text>
                """
        }
        return """
            <svg viewBox="0 0 \(labelWidth + barWidth + 80) \(height)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">\
            <title>\(title)</title>\(bars)</svg>
            """
    }
}
