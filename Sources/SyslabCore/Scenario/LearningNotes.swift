/// What a learner reads about a scenario.
public struct LearningNotes: Sendable, Equatable {
    /// What happens to the system while the scenario is active.
    public var whatHappens: String
    /// How to observe it: which metrics, traces or symptoms to look at.
    public var howToObserve: String
    /// How real systems mitigate it.
    public var howToMitigate: String

    public init(whatHappens: String, howToObserve: String, howToMitigate: String) {
        self.whatHappens = whatHappens; self.howToObserve = howToObserve; self.howToMitigate = howToMitigate
    }

    public var json: JSONValue {
        ["what_happens": .string(whatHappens), "how_to_observe": .string(howToObserve), "how_to_mitigate": .string(howToMitigate)]
    }
}
