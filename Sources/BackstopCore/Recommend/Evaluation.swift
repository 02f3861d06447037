import Foundation

/// The evaluation stage: every provider evaluates the profile and the request, side by side.
extension Aggregator {
    /// Evaluates `providers` (all of them by default; side by side unless the policy says otherwise); results come
    /// back in provider-id order. Primary services are evaluated with the diagnosis already made for the profile.
    func evaluateAll(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        only subset: [any CreditProvider]? = nil
    ) async -> ([(any CreditProvider, Evaluation)], [ProviderFailure]) {
        let providers = subset ?? self.providers
        let diagnoses = Dictionary(diagnosis.map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
        @Sendable func evaluate(_ provider: any CreditProvider) async throws -> Evaluation {
            if let primary = provider as? any PrimaryServiceProvider, let known = diagnoses[primary.service] {
                return try await primary.evaluate(profile, request, on: date, diagnosis: known)
            }
            // A refusal shows only the rules that failed: a provider that can builds no passed check it would drop.
            if let lean = provider as? any EvaluatesLean {
                return lean.evaluate(profile, request, on: date, keepPassed: false)
            }
            return try await provider.evaluate(profile, request, on: date)
        }
        let outcomes: [(Int, Result<Evaluation, any Error>)]
        if !policy.concurrentProviders {
            var inOrder: [(Int, Result<Evaluation, any Error>)] = []
            inOrder.reserveCapacity(providers.count)
            for (index, provider) in providers.enumerated() {
                do {
                    let evaluation = try await evaluate(provider)
                    inOrder.append((index, .success(evaluation)))
                } catch {
                    inOrder.append((index, .failure(error)))
                }
            }
            outcomes = inOrder
        } else {
            outcomes = await withTaskGroup(of: (Int, Result<Evaluation, any Error>).self) { group in
                for (index, provider) in providers.enumerated() {
                    group.addTask {
                        do {
                            // Await into a local first: building the tuple across the await is miscompiled at -O by
                            // Swift 6.3.1 (the index comes back corrupted; swiftlang/swift #91911, reverted in
                            // #92155).
                            let evaluation = try await evaluate(provider)
                            return (index, .success(evaluation))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var results: [(Int, Result<Evaluation, any Error>)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            }
        }
        var evaluations: [(any CreditProvider, Evaluation)] = []
        var failures: [ProviderFailure] = []
        for (index, outcome) in outcomes {
            let provider = providers[index]
            switch outcome {
            case .success(let evaluation): evaluations.append((provider, evaluation))
            case .failure(let error): failures.append(ProviderFailure(provider: provider.id, message: "\(error)"))
            }
        }
        evaluations.sort { $0.0.id < $1.0.id }
        failures.sort { $0.provider < $1.provider }
        return (evaluations, failures)
    }
}
