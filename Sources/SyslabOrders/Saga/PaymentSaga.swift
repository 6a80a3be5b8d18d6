import SyslabCore

/// The payment saga: place -> pay -> reserve stock -> ship, each step a call to
/// another service (payment gateway, inventory, carrier) that can fail.
///
/// - A step that fails is retried with exponential backoff (RetryPolicy); when
///   its attempts are spent, or stock is short (a business refusal, not retried),
///   the saga compensates: release the stock, refund the payment, cancel the order.
/// - Compensations are retried the same way. One that still fails leaves the saga
///   dead-lettered and the order flagged (an OrderFlagged event), never silently
///   half done.
/// - The saga's progress is a row in `sagas`, written after every step, and every
///   step checks the facts first (is the order already paid? is stock already
///   reserved?), so a saga interrupted by a crash resumes where it stopped.
///
/// Scenarios act through FaultPoints at routes "/saga/<step>" (forward) and
/// "/saga/compensate/<step>" (compensation) of component "order-saga".
extension OrderStore {
    enum SagaStatus: String {
        case running, compensating, completed, compensated, deadLettered = "dead_lettered"
        var finished: Bool { self == .completed || self == .compensated || self == .deadLettered }
    }

    static let forwardSteps = ["place", "pay", "reserve_stock", "ship"]

    /// Starts a saga for the order described by `place` (the fields of a place command)
    /// and runs it for at most `maxSteps` steps (nil: to the end). Returns the saga.
    public func startSaga(_ place: JSONValue, maxSteps: Int? = nil) throws -> JSONValue {
        guard case .object(var fields) = place else {
            throw SyslabError.typeMismatch("a saga needs the order as a JSON object, got \(place.typeName)")
        }
        fields["command"] = .string("place")
        let (command, _) = try OrderCommand.parse(.object(fields))
        let id = command.orderID
        return try locked {
            try db.transaction {
                guard try sagaRow(id) == nil else { throw SyslabError.alreadyExists("a saga for order '\(id.value)' already exists") }
                let now = clock.now()
                try db.query(
                    "INSERT INTO sagas (order_id, step, status, attempts, request, started_at, updated_at) VALUES (?, 'place', 'running', 0, ?, ?, ?)",
                    [.text(id.value), .text(JSONValue.object(fields).serialized()), .real(now), .real(now)])
            }
            try runSaga(id, maxSteps: maxSteps)
            return try sagaRow(id) ?? .null
        }
    }

    /// Runs every unfinished saga to its end (after a restart); returns them.
    public func resumeSagas() throws -> [JSONValue] {
        try locked {
            let pending = try db.rows("SELECT order_id FROM sagas WHERE status IN ('running', 'compensating') ORDER BY started_at, order_id") { $0.text(0) ?? "" }
            var out: [JSONValue] = []
            for text in pending {
                let id = try OrderID(text)
                try runSaga(id, maxSteps: nil)
                out.append(try sagaRow(id) ?? .null)
            }
            return out
        }
    }

    public func saga(of id: OrderID) throws -> JSONValue? {
        try locked { try sagaRow(id) }
    }

    func sagaRow(_ id: OrderID) throws -> JSONValue? {
        try db.rows(
            "SELECT order_id, step, status, attempts, last_error, started_at, updated_at, finished_at FROM sagas WHERE order_id = ?",
            [.text(id.value)]
        ) { r -> JSONValue in
            var o: [String: JSONValue] = [
                "order_id": .string(r.text(0) ?? ""), "step": .string(r.text(1) ?? ""), "status": .string(r.text(2) ?? ""),
                "attempts": .number(Double(r.int(3))), "started_at": .number(r.double(5)), "updated_at": .number(r.double(6)),
            ]
            if let error = r.text(4) { o["last_error"] = .string(error) }
            if !r.isNull(7) { o["finished_at"] = .number(r.double(7)) }
            return .object(o)
        }.first
    }

    private func saveSaga(_ id: OrderID, step: String, status: SagaStatus, attempts: Int, error: String?) throws {
        let now = clock.now()
        try db.transaction {
            try db.query(
                "UPDATE sagas SET step = ?, status = ?, attempts = ?, last_error = ?, updated_at = ?, finished_at = ? WHERE order_id = ?",
                [.text(step), .text(status.rawValue), .integer(Int64(attempts)), error.map { .text($0) } ?? .null, .real(now),
                 status.finished ? .real(now) : .null, .text(id.value)])
        }
        if status.finished {
            let started = try db.rows("SELECT started_at FROM sagas WHERE order_id = ?", [.text(id.value)]) { $0.double(0) }.first ?? now
            metrics.sagaFinished(status.rawValue, seconds: max(0, now - started))
        }
    }

    /// The outcome of one attempt at a step.
    private enum StepResult {
        case done
        /// A transient failure (the other service answered an error): retry.
        case failed(String)
        /// A business refusal (stock is short): compensate without retrying.
        case refused(String)
    }

    private func runSaga(_ id: OrderID, maxSteps: Int?) throws {
        guard let row = try sagaRow(id), var status = SagaStatus(rawValue: row["status"]?.stringValue ?? "") else {
            throw SyslabError.notFound("no saga for order '\(id.value)'")
        }
        var step = row["step"]?.stringValue ?? "place"
        var attempts = Int(row["attempts"]?.doubleValue ?? 0)
        var stepsRun = 0
        let policy = RetryPolicy(maxAttempts: options.sagaMaxAttempts, base: options.sagaBackoff)
        while !status.finished {
            if let maxSteps, stepsRun >= maxSteps { return }
            let compensating = status == .compensating
            if compensating {
                guard let next = try nextCompensation(id) else {
                    try saveSaga(id, step: "done", status: .compensated, attempts: 0, error: nil)
                    return
                }
                step = next
            }
            let result = try attempt(step, of: id, compensating: compensating)
            attempts += 1
            switch result {
            case .done:
                stepsRun += 1
                attempts = 0
                if !compensating {
                    let index = OrderStore.forwardSteps.firstIndex(of: step) ?? OrderStore.forwardSteps.count
                    if index + 1 >= OrderStore.forwardSteps.count {
                        status = .completed
                        try saveSaga(id, step: "done", status: .completed, attempts: 0, error: nil)
                        return
                    }
                    step = OrderStore.forwardSteps[index + 1]
                }
                try saveSaga(id, step: step, status: status, attempts: 0, error: nil)
            case .refused(let reason):
                stepsRun += 1
                attempts = 0
                status = .compensating
                try saveSaga(id, step: step, status: .compensating, attempts: 0, error: reason)
            case .failed(let reason):
                metrics.sagaRetry(compensating ? "compensate_" + step : step)
                if attempts < policy.maxAttempts {
                    try saveSaga(id, step: step, status: status, attempts: attempts, error: reason)
                    ProjectionRunner.sleep(policy.delay(afterAttempt: attempts, random: &random))
                    continue
                }
                stepsRun += 1
                attempts = 0
                if compensating {
                    // Nothing more the saga can do by itself: dead-letter it and flag the order.
                    let why = "compensation '\(step)' failed after \(policy.maxAttempts) attempts: \(reason)"
                    try execute(.flag(id: id, reason: why))
                    status = .deadLettered
                    try saveSaga(id, step: step, status: .deadLettered, attempts: policy.maxAttempts, error: why)
                    return
                }
                status = .compensating
                try saveSaga(id, step: step, status: .compensating, attempts: 0,
                             error: "step '\(step)' failed after \(policy.maxAttempts) attempts: \(reason)")
            }
        }
    }

    /// The next compensation still needed, from the facts: stock held, money not refunded, order not cancelled.
    private func nextCompensation(_ id: OrderID) throws -> String? {
        let order = try load(id, repair: false)
        if try inventory.isReserved(for: id) { return "release_stock" }
        if order.outstandingMinor > 0 { return "refund" }
        if order.status == .placed || order.status == .paid { return "cancel" }
        return nil
    }

    private func attempt(_ step: String, of id: OrderID, compensating: Bool) throws -> StepResult {
        let route = compensating ? "/saga/compensate/" + step.replacingUnderscores : "/saga/" + step.replacingUnderscores
        if let failure = try faults.sagaStepFailure(route: route) { return .failed(failure) }
        let order = try load(id, repair: false)
        switch step {
        case "place":
            guard order.status == .none else { return .done }
            guard let request = try db.rows("SELECT request FROM sagas WHERE order_id = ?", [.text(id.value)], { $0.text(0) }).first,
                  let text = request
            else { throw SyslabError.corrupt("saga of order '\(id.value)' lost its request") }
            try execute(try JSONValue.parse(text))
        case "pay":
            guard order.status == .placed else { return .done }
            try execute(.pay(id: id, paymentReference: "saga-\(id.value)"))
        case "reserve_stock":
            guard let sku = order.sku else { throw SyslabError.corrupt("order '\(id.value)' has no sku") }
            let shortage = try db.transaction { try inventory.reserve(sku, quantity: order.quantity, for: id) }
            if let shortage { return .refused(shortage) }
        case "ship":
            guard order.status == .paid else { return .done }
            try execute(.ship(id: id, carrier: "saga"))
        case "release_stock":
            try db.transaction { try inventory.release(for: id) }
        case "refund":
            guard order.outstandingMinor > 0 else { return .done }
            try execute(.refund(id: id, reason: "saga compensation"))
        case "cancel":
            guard order.status == .placed || order.status == .paid else { return .done }
            try execute(.cancel(id: id, reason: "saga compensation"))
        default:
            throw SyslabError.corrupt("saga of order '\(id.value)' is at unknown step '\(ErrorText.quoted(step))'")
        }
        return .done
    }
}

private extension String {
    /// "reserve_stock" -> "reserve-stock": routes are kebab-case.
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
