/// Where the order module (SyslabOrders) asks the registry for effects: the
/// component and route of each decision. The event-sourcing scenarios target
/// these, so enabling one changes the order store and nothing else.
public enum EventSourcingPoints {
    /// A projection applying one event; route "/projections/<name>".
    public static let projection = "order-projection"
    /// Writing or reading an aggregate snapshot; routes below.
    public static let snapshot = "order-snapshot"
    public static let snapshotWrite = "/snapshots/write"
    public static let snapshotRead = "/snapshots/read"
    /// One step of the payment saga; routes "/saga/<step>" and "/saga/compensate/<step>".
    public static let saga = "order-saga"
    public static let compensationRoutes = "/saga/compensate/*"
}
