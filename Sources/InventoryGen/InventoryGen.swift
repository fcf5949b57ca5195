import IgnitionCompiler

/// Inventory backends (Kubespray, BIND zones, libvirt XML) read only the `Site` IR.
/// This module holds their shared entry point; the backends themselves come with issue 4.
public enum InventoryGen {
    /// The output directories this module owns, relative to the output root.
    public static let outputDirectories = ["kubespray", "bind", "libvirt"]
}
