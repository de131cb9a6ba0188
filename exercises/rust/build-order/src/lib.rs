/// Why no build order could be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    DuplicateTask(String),
    UnknownDependency { task: String, dependency: String },
    Cycle(Vec<String>),
}

/// Orders `tasks` so that every task comes after all of its dependencies.
/// Each entry is `(task name, names of the tasks it depends on)`.
pub fn build_order(tasks: &[(&str, &[&str])]) -> Result<Vec<String>, PlanError> {
    todo!("order {} tasks", tasks.len())
}
