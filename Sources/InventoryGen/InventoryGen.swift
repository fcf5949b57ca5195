import IgnitionCompiler

/// The inventory backends (Kubespray inventory, BIND zones, libvirt XML, dnsmasq's and Kea's DHCP
/// configurations), each a function of the `Site` IR alone, as the Ignition and network backends are.
public enum InventoryGen {
    /// This module's backends, in `BuildTarget` order.
    public static let backends: [any Backend] = [KubesprayTarget(), BindTarget(), LibvirtTarget(), DnsmasqTarget(), KeaTarget()]

    /// Every backend igncc has: what the command line builds with.
    public static let allBackends: [any Backend] = Compiler.coreBackends + backends
}
