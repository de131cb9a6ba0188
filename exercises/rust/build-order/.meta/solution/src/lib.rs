use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

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
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(tasks.len());
    for (i, (name, _)) in tasks.iter().enumerate() {
        if index.insert(name, i).is_some() {
            return Err(PlanError::DuplicateTask(name.to_string()));
        }
    }

    // deps[i]: distinct tasks that i depends on; dependents[j]: tasks that depend on j.
    let n = tasks.len();
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, (name, list)) in tasks.iter().enumerate() {
        let mut seen = HashSet::new();
        for dep in list.iter() {
            let Some(&j) = index.get(dep) else {
                return Err(PlanError::UnknownDependency {
                    task: name.to_string(),
                    dependency: dep.to_string(),
                });
            };
            if seen.insert(j) {
                deps[i].push(j);
                dependents[j].push(i);
            }
        }
    }

    let mut missing: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut ready: BinaryHeap<Reverse<(&str, usize)>> = (0..n)
        .filter(|&i| missing[i] == 0)
        .map(|i| Reverse((tasks[i].0, i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((name, i))) = ready.pop() {
        order.push(name.to_string());
        for &k in &dependents[i] {
            missing[k] -= 1;
            if missing[k] == 0 {
                ready.push(Reverse((tasks[k].0, k)));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }

    let mut cyclic: Vec<String> = on_cycle(&deps, &dependents)
        .into_iter()
        .map(|i| tasks[i].0.to_string())
        .collect();
    cyclic.sort();
    Err(PlanError::Cycle(cyclic))
}

/// Nodes lying on a cycle: members of a strongly connected component with more than one
/// node, or with a self-loop. Kosaraju's algorithm, iterative so deep graphs cannot overflow
/// the stack.
fn on_cycle(deps: &[Vec<usize>], dependents: &[Vec<usize>]) -> Vec<usize> {
    let n = deps.len();
    let mut visited = vec![false; n];
    let mut finish = Vec::with_capacity(n);
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = deps[v].get(*next) {
                *next += 1;
                if !visited[w] {
                    visited[w] = true;
                    stack.push((w, 0));
                }
            } else {
                finish.push(v);
                stack.pop();
            }
        }
    }

    let mut component = vec![usize::MAX; n];
    let mut result = Vec::new();
    for &root in finish.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = root;
        let mut members = vec![root];
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            for &w in &dependents[v] {
                if component[w] == usize::MAX {
                    component[w] = root;
                    members.push(w);
                    stack.push(w);
                }
            }
        }
        if members.len() > 1 || deps[root].contains(&root) {
            result.extend(members);
        }
    }
    result
}
