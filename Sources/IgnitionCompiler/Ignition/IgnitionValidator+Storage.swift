/// The storage section: `Storage`, `Node`, `File`, `Directory`, `Disk`, `Partition`,
/// `Filesystem`, `Raid`, `Luks`, `Clevis` and `Tang` of `config/v3_N/types`.
extension ValidationRun {
    mutating func storage(_ storage: Spot) {
        let directories = storage.items("directories"), files = storage.items("files"), links = storage.items("links")
        for directory in directories {
            node(directory)
            mode(directory)
        }
        for file in files {
            node(file)
            mode(file)
            if file.isTrue("overwrite"), file["contents"]?.node["source"] == nil {
                error("overwrite must be false if source is unspecified", at: file.at("overwrite"))
            }
            if let contents = file["contents"] { resource(contents) }
            for item in file.items("append") { resource(item) }
        }
        for link in links { node(link) }
        duplicates(directories + files + links, keyedBy: "path")
        linksOfNodes(directories: directories, files: files, links: links)

        let disks = storage.items("disks")
        for disk in disks { self.disk(disk) }
        duplicates(disks, keyedBy: "device")
        let filesystems = storage.items("filesystems")
        for filesystem in filesystems { self.filesystem(filesystem, disks: disks) }
        duplicates(filesystems, keyedBy: "device")
        let luks = storage.items("luks")
        for volume in luks { self.luks(volume) }
        duplicates(luks, keyedBy: "name")
        let raids = storage.items("raid")
        for raid in raids { self.raid(raid) }
        duplicates(raids, keyedBy: "name")
    }

    /// `Storage.validateDirectories`, `validateFiles` and `validateLinks`. Ignition tests each
    /// node's path against each link's path plus "/"; done that way, a config of a few thousand
    /// links and nodes (64 KiB of Butane) takes seconds, so the link paths go into a tree of
    /// their "/"-separated components and each path is walked once. Same errors, same count.
    private mutating func linksOfNodes(directories: [Spot], files: [Spot], links: [Spot]) {
        let linkTree = PathPrefixTree()
        for link in links { linkTree.insert(Array((link.string("path") ?? "").utf8)) }
        for (nodes, message) in [(directories, "directory path includes link in config"),
                                 (files, "file path includes link in config"),
                                 (links, "link path includes link in config")] {
            for node in nodes {
                let path = Array((node.string("path") ?? "").utf8)
                for _ in 0..<linkTree.prefixCount(of: path) { error(message, at: node.location) }
            }
        }
        var directoryCounts: [[UInt8]: Int] = [:]
        for directory in directories { directoryCounts[Array((directory.string("path") ?? "").utf8), default: 0] += 1 }
        for link in links {
            let path = link.string("path") ?? ""
            let target = link.string("target")
            if version >= .v3_3, (target ?? "").isEmpty {
                error("link target is required", at: link.at("target"))
                continue
            }
            guard link.isTrue("hard") else { continue }
            var resolved = GoPath.clean(target ?? "")
            if !GoPath.isAbsolute(resolved) { resolved = GoPath.join(path, target ?? "") }
            for _ in 0..<(directoryCounts[Array(resolved.utf8)] ?? 0) {
                error("hard link target is a directory", at: link.location)
            }
            for owner in ["user", "group"] {
                for key in ["id", "name"] {
                    if let value = link[owner]?[key] { warning("user/group ignored for hard link", at: value.location) }
                }
            }
        }
    }

    // MARK: Disks and partitions

    private mutating func disk(_ disk: Spot) {
        let partitions = disk.items("partitions")
        for partition in partitions { self.partition(partition) }
        duplicates(partitions.map { partition in
            let number = partition.node["number"]?.int ?? 0
            if number != 0 { return ("number:\(number)", partition["number"]?.location ?? partition.location) }
            if let label = partition.string("label") { return ("label:" + label, partition.at("label")) }
            return ("", partition.location)
        })
        let device = disk.string("device") ?? ""
        guard !device.isEmpty else { return error("disk device is required", at: disk.at("device")) }
        error(Self.pathError(device), at: disk.at("device"))

        var byNumber: [Int: [Int]] = [:], numbers: [Int] = []
        for (index, partition) in partitions.enumerated() {
            let number = partition.node["number"]?.int ?? 0
            guard number != 0 else { continue }
            if byNumber[number] == nil { numbers.append(number) }
            byNumber[number, default: []].append(index)
        }
        if let number = numbers.first(where: { byNumber[$0, default: []].count > 1 }) {
            error("partition numbers collide", at: partitions[byNumber[number, default: []][1]].location)
        }
        if let overlapping = Self.overlap(partitions) { error("partitions overlap", at: partitions[overlapping].location) }
        if partitions.contains(where: { $0.node["shouldExist"]?.bool == false }),
           partitions.contains(where: { ($0.node["number"]?.int ?? 0) == 0 }) {
            error("shouldExist is false for a partition and other partition(s) has start or size 0", at: disk.at("partitions"))
        }
        var labels = Set<[UInt8]>()
        for partition in partitions {
            guard let label = partition.string("label") else { continue }
            if !labels.insert(Array(label.utf8)).inserted {
                error("cannot use the same partition label twice", at: partition.location)
                break
            }
        }
    }

    /// `Disk.partitionsOverlap`: the index of the first partition found overlapping another.
    private static func overlap(_ partitions: [Spot]) -> Int? {
        let extents: [(start: Int, end: Int)?] = partitions.map { partition in
            guard let start = partition.node["startMiB"]?.int, let size = partition.node["sizeMiB"]?.int, start != 0 else { return nil }
            return (start, size == 0 ? start : start &+ size &- 1)
        }
        for (i, p) in extents.enumerated() {
            guard let p else { continue }
            for (j, o) in extents.enumerated() where j != i {
                guard let o else { continue }
                if (p.start >= o.start && p.start <= o.end) || (p.end >= o.start && p.end <= o.end)
                    || (p.start < o.start && p.end > o.end) { return j }
            }
        }
        return nil
    }

    private mutating func partition(_ partition: Spot) {
        let node = partition.node
        if node["shouldExist"]?.bool == false, node["label"] != nil || partition.notEmpty("typeGuid")
            || partition.notEmpty("guid") || node["startMiB"] != nil || node["sizeMiB"] != nil {
            error("shouldExist specified false with other options also specified", at: partition.location)
        }
        if (node["number"]?.int ?? 0) == 0, node["label"] == nil {
            error("a partition number >= 1 or a label must be specified", at: partition.location)
        }
        if let label = partition.string("label") {
            if label.utf8.count > 36 {
                error("partition labels may not exceed 36 characters", at: partition.at("label"))
            } else if label.utf8.contains(UInt8(ascii: ":")) {
                error("partition label will be truncated to text before the colon", at: partition.at("label"))
            }
        }
        for key in ["guid", "typeGuid"] {
            if let guid = partition.string(key), !Self.isGUID(guid) {
                error("doesn't match the form \"01234567-89AB-CDEF-EDCB-A98765432101\"", at: partition.at(key))
            }
        }
    }

    /// Ignition's GUID pattern, which also accepts "".
    static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return text.isEmpty
            || (groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isHexDigit } })
    }

    // MARK: Filesystems, RAID, LUKS

    private mutating func filesystem(_ filesystem: Spot, disks: [Spot]) {
        error(filesystem.notEmpty("path") ? Self.pathError(filesystem.string("path") ?? "") : nil, at: filesystem.at("path"))
        let device = filesystem.string("device") ?? ""
        error(Self.pathError(device), at: filesystem.at("device"))
        let format = filesystem.string("format") ?? ""
        if format.isEmpty {
            if filesystem.notEmpty("path") || filesystem.notEmpty("label") || filesystem.notEmpty("uuid")
                || filesystem.isTrue("wipeFilesystem") || !filesystem.items("mountOptions").isEmpty || !filesystem.items("options").isEmpty {
                error("format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified",
                      at: filesystem.at("format"))
            }
        } else if !["ext4", "btrfs", "xfs", "swap", "vfat"].contains(format) && !(format == "none" && version >= .v3_3) {
            error("invalid filesystem format", at: filesystem.at("format"))
        }
        if let label = filesystem.string("label"), !label.isEmpty {
            let limits = ["ext4": 16, "btrfs": 256, "xfs": 12, "swap": 15, "vfat": 11]
            if format.isEmpty {
                error("filesystem must specify format if label is specified", at: filesystem.at("label"))
            } else if let limit = limits[format], label.utf8.count > limit {
                error("filesystem labels cannot be longer than \(limit) characters when using \(format)", at: filesystem.at("label"))
            }
        }
        // `Storage.validateFilesystems`: the last disk of that device is the one Ignition compares with.
        if let disk = disks.last(where: { ($0.string("device") ?? "").utf8.elementsEqual(device.utf8) }) {
            if !disk.items("partitions").isEmpty {
                warning("filesystem overwrites partitioned device", at: filesystem.at("device"))
            } else if !filesystem.isTrue("wipeFilesystem"), disk.isTrue("wipeTable") {
                warning("device matches disk with wipeTable enabled; filesystem will be wiped", at: filesystem.at("device"))
            }
        }
    }

    private mutating func raid(_ raid: Spot) {
        let level = raid.string("level") ?? ""
        if level.isEmpty && version >= .v3_3 {
            error("raid level is required", at: raid.at("level"))
        } else if ["linear", "raid0", "0", "stripe"].contains(level) {
            if let spares = raid.node["spares"]?.int, spares != 0 {
                error("spares unsupported for linear and raid0 arrays", at: raid.at("level"))
            }
        } else if !["raid1", "1", "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10"].contains(level) {
            error("unrecognized raid level", at: raid.at("level"))
        }
        let devices = raid.items("devices")
        if devices.isEmpty { error("raid devices required", at: raid.at("devices")) }
        for device in devices { error(Self.pathError(device.node.string ?? ""), at: device.location) }
        duplicates(devices)
    }

    private mutating func luks(_ luks: Spot) {
        if (luks.string("name") ?? "").utf8.contains(UInt8(ascii: "/")) { error("device names cannot contain slashes", at: luks.at("name")) }
        if let label = luks.string("label"), label.utf8.count > 47 {
            error("luks device labels cannot be longer than 47 characters", at: luks.at("label"))
        }
        if let device = luks.string("device"), !device.isEmpty {
            error(Self.pathError(device), at: luks.at("device"))
        } else {
            error("disk device is required", at: luks.at("device"))
        }
        let clevis = luks["clevis"]
        let others = !(clevis?.items("tang").isEmpty ?? true) || clevis?.isTrue("tpm2") == true
            || (clevis?.node["threshold"]?.int).map { $0 != 0 } == true
        // 3.2's custom is a pointer: present at all counts; later specs look at its pin.
        let custom = version == .v3_2 ? clevis?["custom"] != nil : clevis?["custom"]?.notEmpty("pin") == true
        if custom && others { error("cannot use custom clevis config with tpm2, tang, or threshold", at: luks.at("clevis")) }
        let keySource = luks["keyFile"]?.string("source") ?? ""
        if !keySource.isEmpty, urlError(keySource) != nil { error("invalid key-file source", at: luks.at("keyFile")) }
        if let keyFile = luks["keyFile"] { resource(keyFile) }
        if luks["cex"]?.isTrue("enabled") == true {
            let clevisPresent = others || clevis?["custom"]?.notEmpty("pin") == true
            if clevisPresent { error("cannot use cex with clevis", at: luks.at("cex")) }
            if !keySource.isEmpty { error("cannot use key file with cex", at: luks.at("cex")) }
        }
        if let custom = clevis?["custom"] { clevisCustom(custom) }
        let tangs = clevis?.items("tang") ?? []
        for tang in tangs { self.tang(tang) }
        duplicates(tangs, keyedBy: "url")
        duplicates(luks.items("openOptions"))
    }

    private mutating func clevisCustom(_ custom: Spot) {
        let pin = custom.string("pin") ?? "", config = custom.string("config") ?? ""
        guard !pin.isEmpty || !config.isEmpty || (version >= .v3_3 && custom.isTrue("needsNetwork")) else { return }
        if pin.isEmpty && version >= .v3_3 {
            error("missing required custom clevis pin", at: custom.at("pin"))
        } else if version < .v3_6 && !["tpm2", "tang", "sss"].contains(pin) {
            // From 3.6.0 any pin name is accepted, for custom clevis pins.
            error("unsupported clevis pin", at: custom.at("pin"))
        }
        if config.isEmpty { error("missing required custom clevis config", at: custom.at("config")) }
    }

    private mutating func tang(_ tang: Spot) {
        let url = GoURL(tang.string("url") ?? "")
        if url == nil {
            error(IgnitionMessage.invalidURL, at: tang.at("url"))
        } else if url?.scheme != "http" && url?.scheme != "https" {
            error(IgnitionMessage.invalidScheme, at: tang.at("url"))
        }
        if !tang.notEmpty("thumbprint") { error("thumbprint is required", at: tang.at("thumbprint")) }
        if let advertisement = tang.string("advertisement"), !advertisement.isEmpty {
            var diagnostics = Diagnostics()
            var parser = JSONParser()
            parser.maxDepth = 512  // Go allows 10,000; far deeper than any advertisement, and kind to thread stacks
            if parser.parse(Array(advertisement.utf8), file: "", diagnostics: &diagnostics) == nil {
                error("advertisement is not valid JSON", at: tang.at("advertisement"))
            }
        }
    }
}

/// Paths split at "/", for "which of these paths, plus a "/", does this path start with": path P
/// starts with L + "/" exactly when L's components (empty ones included) are P's first ones and P
/// has at least one more. Bytes, not Characters, as Go compares them.
final class PathPrefixTree {
    private var children: [[UInt8]: PathPrefixTree] = [:]
    /// How many of the inserted paths end here.
    private var count = 0

    func insert(_ path: [UInt8]) {
        var node = self
        for component in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let key = Array(component)
            if let child = node.children[key] {
                node = child
            } else {
                let child = PathPrefixTree()
                node.children[key] = child
                node = child
            }
        }
        node.count += 1
    }

    /// How many inserted paths L (counting repeats) `path` starts with as L + "/".
    func prefixCount(of path: [UInt8]) -> Int {
        var node = self, total = 0, start = 0
        for index in path.indices where path[index] == UInt8(ascii: "/") {
            guard let child = node.children[Array(path[start..<index])] else { return total }
            node = child
            total += node.count
            start = index + 1
        }
        return total
    }
}
