/// `install/ipxe/<host>.ipxe`: the iPXE script `igncc serve` hands to the host's MAC (and, byte
/// for byte, each `install/by-mac/<mac>.ipxe` of the host). It boots the OS's live kernel with the
/// host's Ignition config URL, for a static host its network, then the site's `kernel_args`.
///
/// Fedora CoreOS ("Booting via iPXE", bare-metal install): the live system runs coreos-installer
/// on `coreos.inst.install_dev` with `coreos.inst.ignition_url`, then reboots into the disk; the
/// network arguments are kept for the installed system's first boot.
/// Flatcar ("Booting Flatcar via iPXE"): `flatcar.first_boot=1` runs Ignition with
/// `ignition.config.url` in a system that lives in RAM; install/<host>.sh installs it on disk.
enum IPXEScript {
    struct Boot: Equatable {
        var kernel: String
        var kernelArguments: [String]
        var initramfs: String
    }

    static func boot(for host: InstallPlan.HostPlan, served: InstallPlan.Served) -> Boot {
        var arguments = ["initrd=main"]
        switch host.os {
        case .fcos:
            arguments += [
                "coreos.live.rootfs_url=\(served.images.rootfs ?? "")",
                "coreos.inst.install_dev=\(host.installDisk)",
                "coreos.inst.ignition_url=\(served.ignitionURL)",
                "ignition.platform.id=metal",
            ]
        case .flatcar:
            arguments += ["flatcar.first_boot=1", "ignition.config.url=\(served.ignitionURL)"]
        }
        arguments += served.bootNetwork?.kernelArguments ?? []
        arguments += served.kernelArguments
        return Boot(kernel: served.images.kernel, kernelArguments: arguments, initramfs: served.images.initramfs)
    }

    static func render(site: String, host: InstallPlan.HostPlan, served: InstallPlan.Served) -> String {
        let boot = boot(for: host, served: served)
        let defaults = InstallPlan.defaultImagePaths(host.os)
        var lines = ["#!ipxe"]
        switch host.os {
        case .fcos:
            lines += [
                "# Installs Fedora CoreOS on host '\(host.name)' of site '\(site)' (\(host.installDisk)), written by igncc.",
                "# The live system runs coreos-installer with the host's Ignition config, then reboots.",
            ]
        case .flatcar:
            lines += [
                "# Boots Flatcar Container Linux in RAM as host '\(host.name)' of site '\(site)', written by igncc,",
                "# with the host's Ignition config; install it on \(host.installDisk) with install/\(host.name).sh.",
            ]
        }
        lines += [
            "# The images are serve.images.\(host.os.rawValue) in site.yaml; by default, under the base URL:",
            "#   \(defaults.kernel)",
            "#   \(defaults.initramfs)",
        ]
        if let rootfs = defaults.rootfs { lines.append("#   \(rootfs)") }
        lines += [
            "kernel \(boot.kernel) \(boot.kernelArguments.joined(separator: " "))",
            "initrd --name main \(boot.initramfs)",
            "boot",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
