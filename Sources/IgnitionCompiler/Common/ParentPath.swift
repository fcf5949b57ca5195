/// The directory part of a path, as `dirname` gives it but with "" for a bare name (Foundation's
/// `deletingLastPathComponent` traps on some short relative paths on Linux).
package func parentPath(of path: String) -> String {
    var text = Substring(path)
    while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
    guard let slash = text.lastIndex(of: "/") else { return "" }
    if slash == text.startIndex { return "/" }
    var parent = text[..<slash]
    while parent.count > 1 && parent.hasSuffix("/") { parent.removeLast() }
    return String(parent)
}

/// The last component of a path (`out` for `a/b/out/`).
package func lastPathComponent(of path: String) -> String {
    var text = Substring(path)
    while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
    return String(text.split(separator: "/").last ?? text)
}
