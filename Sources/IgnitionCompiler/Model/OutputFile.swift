/// One file of the output tree, relative to the output directory.
public struct OutputFile: Sendable, Equatable {
    public var relativePath: String
    public var contents: [UInt8]
    /// Permission bits, e.g. `0o644`.
    public var mode: UInt16

    public init(_ relativePath: String, contents: [UInt8], mode: UInt16 = 0o644) {
        self.relativePath = relativePath
        self.contents = contents
        self.mode = mode
    }

    public init(_ relativePath: String, text: String, mode: UInt16 = 0o644) {
        self.init(relativePath, contents: Array(text.utf8), mode: mode)
    }
}
