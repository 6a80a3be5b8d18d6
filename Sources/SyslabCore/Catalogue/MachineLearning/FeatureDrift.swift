#if canImport(Glibc)
import Glibc
#endif

/// The inputs drift away from the training data; accuracy decays.
enum FeatureDrift {
    static let predictions = MetricSpec.counter(
        "model_predictions_total", "Predictions by whether they were right.", labels: ["scenario", "outcome"])
    static let shift = MetricSpec.histogram(
        "feature_drift_shift_stddevs", "How far the inputs had drifted from the training distribution when a prediction was made, in standard deviations.",
        labels: ["scenario"], buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10])

    static let scenario = Scenario(
        name: "feature-drift", category: "ai-ml",
        summary: "A classifier separates two classes whose feature is normal with unit spread and means -separation and +separation, at the boundary 0 it learned. From enable the inputs shift by drift_stddevs_per_hour (up to max_shift_stddevs), so its error rate grows from Phi(-separation) to (Phi(-separation - shift) + Phi(-separation + shift)) / 2; each wrong prediction is an inconsistent_read of one row.",
        notes: LearningNotes(
            whatHappens: "The world changes after training: prices inflate, users change behaviour, a sensor is recalibrated, an upstream team changes units. Nothing errors; the model keeps answering with the confidence it had, and accuracy decays until someone notices the business metric.",
            howToObserve: "model_predictions_total{outcome=\"wrong\"} against {outcome=\"right\"} when labels arrive; feature_drift_shift_stddevs, or in practice PSI or KS distance between serving and training feature distributions, rising before accuracy falls.",
            howToMitigate: "Monitor input distributions against the training set (PSI, KS, Jensen-Shannon) with alerts, collect delayed labels to track live accuracy, retrain on a schedule or on a drift trigger, and keep a fallback model or rules."),
        parameters: [
            .number("separation", default: 1.5, min: 0, max: 10, help: "Class means in standard deviations from the boundary."),
            .number("drift_stddevs_per_hour", default: 0.5, min: 0, max: 3_600, unit: "1/h", help: "How fast the inputs move, in standard deviations per hour (up to one a second, to compress hours into a simulated minute)."),
            .number("max_shift_stddevs", default: 3, min: 0, max: 20, help: "Largest shift reached."),
        ],
        metrics: [predictions, shift],
        effectKinds: [.inconsistentRead],
        compile: { try Program($0) }
    )

    /// The standard normal distribution function.
    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// The classifier's error rate with inputs shifted by `shift` standard deviations.
    static func errorRate(separation: Double, shift: Double) -> Double {
        (phi(-separation - shift) + phi(-separation + shift)) / 2
    }

    final class Program: ScenarioProgram, @unchecked Sendable {
        let separation: Double, perSecond: Double, maxShift: Double
        let right: MetricSeries?, wrong: MetricSeries?, shifts: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            separation = p.double("separation")
            perSecond = p.double("drift_stddevs_per_hour") / 3_600
            maxShift = p.double("max_shift_stddevs")
            right = try activation.series(predictions, LabelValues("right"))
            wrong = try activation.series(predictions, LabelValues("wrong"))
            shifts = try activation.series(shift)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let current = min(maxShift, max(0, request.elapsed) * perSecond)
            shifts?.observe(current, shard: request.shard)
            guard request.random.nextUnit() < FeatureDrift.errorRate(separation: separation, shift: current) else {
                right?.add(1, shard: request.shard)
                return
            }
            wrong?.add(1, shard: request.shard)
            emit(.inconsistentRead(rows: 1))
        }
    }
}
