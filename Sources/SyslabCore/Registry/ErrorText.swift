/// Bounds on text that error messages quote from their input, so a 100 MB
/// name in a call does not become a 100 MB error message.
public enum ErrorText {
    /// The most bytes of caller-supplied text an error message quotes.
    public static let quoteLimit = 200

    /// The most bytes of any message kept as the C ABI's last error.
    public static let messageLimit = 4096

    /// `text` cut to at most `limit` bytes of UTF-8 (on a scalar
    /// boundary), with "…" marking the cut.
    public static func quoted<Text: StringProtocol>(_ text: Text, limit: Int = quoteLimit) -> String {
        guard text.utf8.count > limit else { return String(text) }
        var used = 0
        var end = text.unicodeScalars.startIndex
        for scalar in text.unicodeScalars {
            used += UTF8.width(scalar)
            if used > limit { break }
            end = text.unicodeScalars.index(after: end)
        }
        return String(String.UnicodeScalarView(text.unicodeScalars[..<end])) + "… (\(text.utf8.count) bytes)"
    }
}
