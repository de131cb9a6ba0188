use build_order::{build_order, PlanError};

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn no_tasks() {
    assert_eq!(build_order(&[]), Ok(vec![]));
}

#[test]
fn single_task_without_dependencies() {
    assert_eq!(build_order(&[("compile", &[])]), Ok(names(&["compile"])));
}

#[test]
fn independent_tasks_come_out_sorted() {
    let tasks: &[(&str, &[&str])] = &[("pear", &[]), ("apple", &[]), ("Zebra", &[]), ("mango", &[])];
    assert_eq!(build_order(tasks), Ok(names(&["Zebra", "apple", "mango", "pear"])));
}

#[test]
fn dependencies_come_first() {
    let tasks: &[(&str, &[&str])] = &[
        ("app", &["lib", "assets"]),
        ("lib", &["core"]),
        ("core", &[]),
        ("assets", &[]),
    ];
    assert_eq!(build_order(tasks), Ok(names(&["assets", "core", "lib", "app"])));
}

#[test]
fn smallest_ready_task_wins_not_smallest_overall() {
    let tasks: &[(&str, &[&str])] = &[("d", &[]), ("a", &["d"]), ("c", &[])];
    assert_eq!(build_order(tasks), Ok(names(&["c", "d", "a"])));

    let tasks: &[(&str, &[&str])] = &[("b", &["z"]), ("z", &[]), ("y", &[]), ("a", &["y"])];
    assert_eq!(build_order(tasks), Ok(names(&["y", "a", "z", "b"])));
}

#[test]
fn diamond_with_repeated_dependency() {
    let tasks: &[(&str, &[&str])] = &[
        ("top", &["left", "right", "left"]),
        ("left", &["base"]),
        ("right", &["base", "base"]),
        ("base", &[]),
    ];
    assert_eq!(build_order(tasks), Ok(names(&["base", "left", "right", "top"])));
}

#[test]
fn byte_order_of_unicode_names() {
    let tasks: &[(&str, &[&str])] = &[("é", &[]), ("z", &[]), ("Ω", &["z"]), ("E", &[])];
    assert_eq!(build_order(tasks), Ok(names(&["E", "z", "é", "Ω"])));
}

#[test]
fn duplicate_task_is_reported_at_its_second_declaration() {
    let tasks: &[(&str, &[&str])] = &[("a", &[]), ("b", &[]), ("b", &[]), ("a", &[])];
    assert_eq!(build_order(tasks), Err(PlanError::DuplicateTask("b".into())));
}

#[test]
fn duplicate_task_wins_over_other_errors() {
    let tasks: &[(&str, &[&str])] = &[("a", &["ghost"]), ("c", &["c"]), ("a", &[])];
    assert_eq!(build_order(tasks), Err(PlanError::DuplicateTask("a".into())));
}

#[test]
fn unknown_dependency_reports_first_in_input_order() {
    let tasks: &[(&str, &[&str])] = &[
        ("a", &["later"]),
        ("b", &["a", "missing", "also-missing"]),
        ("later", &[]),
        ("c", &["nope"]),
    ];
    assert_eq!(
        build_order(tasks),
        Err(PlanError::UnknownDependency { task: "b".into(), dependency: "missing".into() })
    );
}

#[test]
fn unknown_dependency_wins_over_cycle() {
    let tasks: &[(&str, &[&str])] = &[("x", &["y"]), ("y", &["x"]), ("z", &["Y"])];
    assert_eq!(
        build_order(tasks),
        Err(PlanError::UnknownDependency { task: "z".into(), dependency: "Y".into() })
    );
}

#[test]
fn self_dependency_is_a_cycle() {
    let tasks: &[(&str, &[&str])] = &[("x", &["x"]), ("y", &[])];
    assert_eq!(build_order(tasks), Err(PlanError::Cycle(names(&["x"]))));
}

#[test]
fn cycle_lists_only_tasks_on_the_cycle() {
    let tasks: &[(&str, &[&str])] = &[
        ("d", &["a"]),
        ("a", &["b"]),
        ("b", &["c"]),
        ("c", &["b"]),
        ("e", &[]),
        ("f", &["d", "e"]),
    ];
    assert_eq!(build_order(tasks), Err(PlanError::Cycle(names(&["b", "c"]))));
}

#[test]
fn task_between_two_cycles_is_not_on_a_cycle() {
    // a1 <-> a2 depends on bridge, which depends on b1 <-> b2
    let tasks: &[(&str, &[&str])] = &[
        ("a1", &["a2", "bridge"]),
        ("a2", &["a1"]),
        ("bridge", &["b1"]),
        ("b1", &["b2"]),
        ("b2", &["b1"]),
        ("free", &[]),
    ];
    assert_eq!(build_order(tasks), Err(PlanError::Cycle(names(&["a1", "a2", "b1", "b2"]))));
}

#[test]
fn every_member_of_a_long_cycle_is_listed_once() {
    let owned: Vec<String> = (0..500).map(|i| format!("n{i:03}")).collect();
    let dep_lists: Vec<Vec<&str>> = (0..500)
        .map(|i| vec![owned[(i + 1) % 500].as_str(), owned[(i + 1) % 500].as_str()])
        .collect();
    let tasks: Vec<(&str, &[&str])> =
        (0..500).map(|i| (owned[i].as_str(), dep_lists[i].as_slice())).collect();
    assert_eq!(build_order(&tasks), Err(PlanError::Cycle(owned.clone())));
}

#[test]
fn long_chain_and_wide_fan_out() {
    const N: usize = 5_000;
    // t00000 depends on t00001, which depends on t00002, ... ; plus N leaves that hang off
    // the last link of the chain.
    let chain: Vec<String> = (0..N).map(|i| format!("t{i:05}")).collect();
    let leaves: Vec<String> = (0..N).map(|i| format!("leaf{i:05}")).collect();
    let chain_deps: Vec<Vec<&str>> =
        (0..N).map(|i| if i + 1 < N { vec![chain[i + 1].as_str()] } else { vec![] }).collect();
    let leaf_deps: Vec<&str> = vec![chain[N - 1].as_str()];
    let mut tasks: Vec<(&str, &[&str])> = Vec::with_capacity(2 * N);
    for i in (0..N).rev() {
        tasks.push((leaves[i].as_str(), leaf_deps.as_slice()));
        tasks.push((chain[i].as_str(), chain_deps[i].as_slice()));
    }
    let order = build_order(&tasks).expect("no cycle");
    assert_eq!(order.len(), 2 * N);
    assert_eq!(order[0], chain[N - 1]);
    // every leaf becomes ready together with t(N-2) and sorts before it
    for i in 0..N {
        assert_eq!(order[1 + i], leaves[i]);
    }
    for i in 0..N - 1 {
        assert_eq!(order[1 + N + i], chain[N - 2 - i]);
    }
}
