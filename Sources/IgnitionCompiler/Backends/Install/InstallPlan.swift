/// Where the install target's files are, for `igncc serve` too (which names each host's files in
/// its access log).
package enum InstallPaths {
    package static let byMACDirectory = "install/by-mac"

    /// `install/by-mac/52-54-00-00-01-21.ipxe` for `52:54:00:00:01:21` (lowercase, with colons).
    package static func byMAC(_ mac: String) -> String {
        "\(byMACDirectory)/\(mac.replacingOccurrences(of: ":", with: "-")).ipxe"
    }

    /// The static `boot.ipxe`, at the top of the tree: where a web server whose root is the output
    /// directory answers `/boot.ipxe`, as `igncc serve` does.
    package static let bootScript = BuildTarget.install.topLevelFiles[0]
}

/// What `out/install/` says about a site, before any of it is rendered: each host's config, its
/// hash and URL, the commands that install it and the kernel arguments that PXE-boot it.
struct InstallPlan: Equatable {
    var site: String
    /// `serve.base_url` without its trailing '/'; nil when the site has none (only hosts.json then).
    var baseURL: String?
    var hosts: [HostPlan]
    var networks: [NetworkEntry]

    struct NetworkEntry: Equatable {
        var name: String
        var cidr: String
    }

    struct HostPlan: Equatable {
        var name: String
        var os: OperatingSystem
        var installDisk: String
        /// Every NIC's MAC, lowercase with colons, in NIC order.
        var macs: [String]
        /// `ignition/<host>.ign`, relative to the output directory.
        var ignitionPath: String
        /// What the install scripts and iPXE need; nil without `serve.base_url` or without a built config.
        var served: Served?

        var scriptPath: String { "install/\(name).sh" }
        var ipxePath: String { "install/ipxe/\(name).ipxe" }
        /// `install/by-mac/<mac>.ipxe` for every MAC, as iPXE's `${mac:hexhyp}` spells it
        /// (lowercase, hyphens): what the static boot.ipxe chains to.
        var byMACPaths: [String] { macs.map(InstallPaths.byMAC) }
    }

    struct Served: Equatable {
        var ignitionURL: String
        /// Lowercase hex SHA-512 of the config's bytes.
        var sha512: String
        /// Whether some NIC has a static address (`coreos-installer --copy-network`).
        var hasStaticNIC: Bool
        var images: BootImages
        /// The live system's static network, as dracut arguments; nil leaves it to DHCP.
        var bootNetwork: BootNetwork?
        /// `kernel_args` (the host's, else `serve.kernel_args`): after igncc's own arguments.
        var kernelArguments: [String] = []
    }

    struct BootImages: Equatable {
        var kernel: String
        var initramfs: String
        /// Fedora CoreOS only: the live root file system.
        var rootfs: String?
    }

    /// dracut's `ifname=`, `ip=` and `nameserver=` for the host's primary NIC.
    struct BootNetwork: Equatable {
        /// The pinned name, else `bootNetInterface` (dracut advises against kernel names like eth0).
        var interface: String
        var mac: String
        var address: String
        var gateway: String?
        var netmask: String
        var hostname: String
        var nameservers: [String]

        var kernelArguments: [String] {
            ["ifname=\(interface):\(mac)",
             "ip=\(address)::\(gateway ?? ""):\(netmask):\(hostname):\(interface):none"]
                + nameservers.map { "nameserver=\($0)" }
        }
    }

    static let bootNetInterface = "bootnet"

    /// The boot images iPXE fetches when `serve.images` does not name them, relative to base_url.
    /// `igncc serve --assets DIR` serves DIR at `/assets/`.
    static func defaultImagePaths(_ os: OperatingSystem) -> BootImages {
        switch os {
        case .fcos:
            return BootImages(kernel: "assets/fcos/fedora-coreos-live-kernel.x86_64",
                              initramfs: "assets/fcos/fedora-coreos-live-initramfs.x86_64.img",
                              rootfs: "assets/fcos/fedora-coreos-live-rootfs.x86_64.img")
        case .flatcar:
            return BootImages(kernel: "assets/flatcar/flatcar_production_pxe.vmlinuz",
                              initramfs: "assets/flatcar/flatcar_production_pxe_image.cpio.gz",
                              rootfs: nil)
        }
    }
}

extension InstallPlan {
    /// The plan for `site`, with each config's hash taken from the files the Ignition backend built.
    init(site: Site, built: [OutputFile]) {
        self.site = site.name.value
        baseURL = Self.baseURL(of: site)
        networks = site.networks.map { NetworkEntry(name: $0.name.value, cidr: $0.cidr.value.description) }
        let baseURL = self.baseURL
        // By path: a search per host of every built file would be quadratic in the site's size.
        var configs: [String: OutputFile] = [:]
        for file in built where file.relativePath.hasPrefix("ignition/") { configs[file.relativePath] = file }
        hosts = Parallel.chunkedMap(site.hosts) { host in
            let path = Self.ignitionPath(of: host)
            var plan = HostPlan(name: host.name.value, os: host.os.value, installDisk: host.installDisk.value,
                                macs: host.nics.map(\.mac.value.description), ignitionPath: path, served: nil)
            if let baseURL, let config = configs[path] {
                plan.served = Self.served(host, in: site, baseURL: baseURL, sha512: Checksums.hex(of: config.contents))
            }
            return plan
        }
    }

    /// What the install files of `host` say, for a config whose hash is `sha512`.
    static func served(_ host: Host, in site: Site, baseURL: String, sha512: String) -> Served {
        Served(ignitionURL: "\(baseURL)/\(ignitionPath(of: host))",
               sha512: sha512,
               hasStaticNIC: host.nics.contains { $0.address != nil },
               images: images(for: host.os.value, serve: site.serve, baseURL: baseURL),
               bootNetwork: bootNetwork(of: host, in: site),
               kernelArguments: host.liveKernelArguments(in: site).map(\.value))
    }

    static func ignitionPath(of host: Host) -> String { "ignition/\(host.name.value).ign" }

    /// `serve.base_url` without its trailing '/', or nil.
    static func baseURL(of site: Site) -> String? {
        guard var url = site.serve?.baseURL?.value else { return nil }
        if url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The images of `os`: those `serve.images` names (relative ones under base_url), else the defaults.
    static func images(for os: OperatingSystem, serve: Serve?, baseURL: String) -> BootImages {
        let chosen = serve?.images.of(os) ?? Serve.OSImages()
        let defaults = defaultImagePaths(os)
        func url(_ value: Located<String>?, _ fallback: String) -> String {
            guard let text = value?.value else { return "\(baseURL)/\(fallback)" }
            let lower = text.lowercased()
            return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? text : "\(baseURL)/\(text)"
        }
        return BootImages(kernel: url(chosen.kernel, defaults.kernel),
                          initramfs: url(chosen.initramfs, defaults.initramfs),
                          rootfs: defaults.rootfs.map { url(chosen.rootfs, $0) })
    }

    /// The primary NIC's static network: the first static NIC that routes default, else the first
    /// static NIC (with no gateway then); nil for a host with DHCP only.
    static func bootNetwork(of host: Host, in site: Site) -> BootNetwork? {
        let statics: [(NIC, Network)] = host.nics.compactMap { nic in
            guard nic.address != nil, let network = site.network(named: nic.network.value) else { return nil }
            return (nic, network)
        }
        guard let (nic, network) = statics.first(where: { HostNetworkFiles.routesDefault($0.0, $0.1) }) ?? statics.first,
              let address = nic.address else { return nil }
        return BootNetwork(
            interface: nic.name?.value ?? bootNetInterface,
            mac: nic.mac.value.description,
            address: address.value.description,
            gateway: HostNetworkFiles.routesDefault(nic, network) ? network.gateway?.value.description : nil,
            netmask: network.cidr.value.netmask.description,
            hostname: host.name.value,
            nameservers: network.dns.map(\.value.description))
    }
}
