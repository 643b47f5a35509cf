/// Charts drawn on the server as inline SVG (no script): labelled horizontal bars, and columns over days.
enum SVGChart {
    /// One column per `(label, value)` (days, oldest first), scaled to the largest, with the largest value and the
    /// first and last labels written out.
    static func columns(_ title: String, _ rows: [(label: String, value: Int)]) -> HTML {
        let largest = max(1, rows.map(\.value).max() ?? 1)
        let width = 28
        let gap = 6
        let height = 160
        let top = 20
        let columns = rows.enumerated().map { index, row -> HTML in
            let h = row.value > 0 ? max(2, Int(Double(row.value) / Double(largest) * Double(height))) : 0
            let x = index * (width + gap)
            return """
                <rect x="\(x)" y="\(top + height - h)" width="\(width)" height="\(h)" rx="3" fill="#2457d6"><title>\(row.label): \(row.value)</title></rect>\
                <text x="\(x + width / 2)" y="\(top + height - h - 4)" font-size="11" text-anchor="middle" fill="#5b6675">\(row.value > 0 ? String(row.value) : "")</text>
                """
        }
        let total = rows.count * (width + gap)
        let labels: HTML =
            rows.isEmpty
            ? .empty
            : """
            <text x="0" y="\(top + height + 16)" font-size="12" fill="#1c2430">\(rows[0].label)</text>\
            <text x="\(total - gap)" y="\(top + height + 16)" font-size="12" text-anchor="end" fill="#1c2430">\(rows[rows.count - 1].label)</text>
            """
        return """
            <svg viewBox="0 0 \(total) \(top + height + 24)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg">\
            <title>\(title)</title>\(columns)\(labels)</svg>
            """
    }

    /// One bar per `(label, value)`, scaled to the largest; each labelled with its value, and a text title for
    /// screen readers.
    static func bars(_ title: String, _ rows: [(label: String, value: Int)], maximum: Int? = nil) -> HTML {
        let largest = max(1, maximum ?? rows.map(\.value).max() ?? 1)
        let rowHeight = 30
        let labelWidth = 120
        let barWidth = 460
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
