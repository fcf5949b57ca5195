/// Whole trees: what `igncc build` and `igncc clean` hand to `OutputDirectory.write`.
extension Compiler {
    /// The new tree of a build: the selected targets' files built afresh, `kept` (files of other
    /// targets carried from the previous tree, already verified), `SHA512SUMS` over them all, and
    /// the tree's state: `options.treeState` with the serials of the tree's zones recorded.
    public static func buildTree(_ site: Site, options: BuildOptions, keeping kept: [OutputFile],
                                 backends: [any Backend] = coreBackends) -> [OutputFile] {
        let built = targetFiles(site, options: options, backends: backends)
        return assemble(built + kept, state: options.treeState, backends: backends)
    }

    /// A tree of `files` (every one below a target's directory): sorted, `SHA512SUMS` over them,
    /// and the state file, `state` updated with the serials the files carry.
    public static func assemble(_ files: [OutputFile], state: TreeState,
                                backends: [any Backend] = coreBackends) -> [OutputFile] {
        var files = files
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        var state = state
        for backend in backends {
            for (path, serial) in backend.serials(in: files) { state.zoneSerials[path] = serial }
        }
        files.append(Checksums.file(for: files))
        if let stateFile = state.file { files.append(stateFile) }
        return files
    }
}
