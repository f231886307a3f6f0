//! A nested dependency graph with the layout rules of `aws-cdk-lib/pipelines`: groups
//! (CodePipeline stages, waves, CDK stages, stacks) hold leaves (actions); dependencies are
//! projected onto a level and sorted into tranches, ties broken by id. The tranche order is
//! what becomes `runOrder`, so it follows CDK's algorithm step for step (see
//! `helpers-internal/graph.ts` and `toposort.ts` in aws-cdk-lib).

use std::collections::{HashMap, HashSet};

pub type NodeId = usize;

#[derive(Debug)]
pub struct Node<L> {
    pub id: String,
    pub parent: Option<NodeId>,
    /// Children in insertion order (only for groups).
    pub children: Vec<NodeId>,
    pub deps: Vec<NodeId>,
    /// `None` for a group.
    pub leaf: Option<L>,
}

#[derive(Debug)]
pub struct Graph<L> {
    pub nodes: Vec<Node<L>>,
}

/// The graph has a cycle: CDK refuses to synthesize it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle;

impl<L> Graph<L> {
    /// A graph with only the root group (node 0).
    pub fn new() -> Self {
        Graph {
            nodes: vec![Node {
                id: String::new(),
                parent: None,
                children: Vec::new(),
                deps: Vec::new(),
                leaf: None,
            }],
        }
    }

    pub const ROOT: NodeId = 0;

    fn push(&mut self, id: &str, leaf: Option<L>) -> NodeId {
        self.nodes.push(Node {
            id: id.to_string(),
            parent: None,
            children: Vec::new(),
            deps: Vec::new(),
            leaf,
        });
        self.nodes.len() - 1
    }

    /// A group not yet attached to a parent.
    pub fn group(&mut self, id: &str) -> NodeId {
        self.push(id, None)
    }

    pub fn leaf(&mut self, id: &str, data: L) -> NodeId {
        self.push(id, Some(data))
    }

    pub fn add(&mut self, parent: NodeId, child: NodeId) {
        debug_assert!(self.nodes[child].parent.is_none());
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    pub fn child(&self, parent: NodeId, id: &str) -> Option<NodeId> {
        self.nodes[parent]
            .children
            .iter()
            .copied()
            .find(|&c| self.nodes[c].id == id)
    }

    pub fn depend_on(&mut self, node: NodeId, dep: NodeId) {
        if node != dep {
            self.nodes[node].deps.push(dep);
        }
    }

    pub fn is_group(&self, n: NodeId) -> bool {
        self.nodes[n].leaf.is_none()
    }

    /// Every node below `n` (not `n` itself), parents before children, in insertion order.
    fn descendants_preorder(&self, n: NodeId, out: &mut Vec<NodeId>) {
        for &c in &self.nodes[n].children {
            out.push(c);
            self.descendants_preorder(c, out);
        }
    }

    fn leaves_of(&self, n: NodeId, out: &mut Vec<NodeId>) {
        if self.is_group(n) {
            for &c in &self.nodes[n].children {
                self.leaves_of(c, out);
            }
        } else {
            out.push(n);
        }
    }

    /// The direct children of `n` in dependency tranches.
    pub fn sorted_children(&self, n: NodeId) -> Result<Vec<Vec<NodeId>>, Cycle> {
        let children: HashSet<NodeId> = self.nodes[n].children.iter().copied().collect();
        let project = |mut x: NodeId| -> Vec<NodeId> {
            loop {
                if children.contains(&x) {
                    return vec![x];
                }
                match self.nodes[x].parent {
                    Some(p) => x = p,
                    None => return Vec::new(),
                }
            }
        };
        let (order, deps) = self.project(n, project);
        self.topo_sort(order, deps)
    }

    /// Every leaf below `n` in dependency tranches.
    pub fn sorted_leaves(&self, n: NodeId) -> Result<Vec<Vec<NodeId>>, Cycle> {
        let mut below = vec![n];
        self.descendants_preorder(n, &mut below);
        let mut leaves: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for &x in &below {
            let mut l = Vec::new();
            self.leaves_of(x, &mut l);
            leaves.insert(x, l);
        }
        let project = |x: NodeId| leaves.get(&x).cloned().unwrap_or_default();
        let (order, deps) = self.project(n, project);
        self.topo_sort(order, deps)
    }

    /// The dependencies of everything below `n`, projected with `project` (keys and values);
    /// self-dependencies from collapsed nodes are dropped. Returns the keys in CDK's map order.
    fn project(
        &self,
        n: NodeId,
        project: impl Fn(NodeId) -> Vec<NodeId>,
    ) -> (Vec<NodeId>, HashMap<NodeId, HashSet<NodeId>>) {
        let mut below = Vec::new();
        self.descendants_preorder(n, &mut below);
        let mut order: Vec<NodeId> = Vec::new();
        let mut deps: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for &x in &below {
            order.push(x);
            deps.insert(x, self.nodes[x].deps.clone());
        }
        // Project the keys: a collapsed node hands its dependencies to what it projects to.
        let mut collapsed = HashSet::new();
        for &x in &order {
            let to = project(x);
            if to.len() == 1 && to[0] == x {
                continue;
            }
            let moved = deps.remove(&x).unwrap_or_default();
            collapsed.insert(x);
            for t in to {
                if let Some(d) = deps.get_mut(&t) {
                    d.extend(moved.iter().copied());
                }
            }
        }
        order.retain(|o| !collapsed.contains(o));
        // Project the values.
        let mut out = HashMap::new();
        for &x in &order {
            let set: HashSet<NodeId> = deps[&x]
                .iter()
                .flat_map(|&d| project(d))
                .filter(|&d| d != x)
                .collect();
            out.insert(x, set);
        }
        (order, out)
    }

    /// Kahn's algorithm in rounds: a round is every node whose dependencies are all in earlier
    /// rounds, in `order`, then sorted by id (a stable sort, as CDK's). Linear in the edges
    /// apart from the sorts: a pipeline of a thousand waves is a thousand rounds.
    fn topo_sort(
        &self,
        order: Vec<NodeId>,
        deps: HashMap<NodeId, HashSet<NodeId>>,
    ) -> Result<Vec<Vec<NodeId>>, Cycle> {
        let position: HashMap<NodeId, usize> =
            order.iter().enumerate().map(|(i, &x)| (x, i)).collect();
        let mut waiting: HashMap<NodeId, usize> = HashMap::with_capacity(order.len());
        let mut dependents: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for &x in &order {
            // Only dependencies among the nodes being sorted hold a node back.
            let on: Vec<NodeId> = deps[&x]
                .iter()
                .copied()
                .filter(|d| position.contains_key(d))
                .collect();
            waiting.insert(x, on.len());
            for d in on {
                dependents.entry(d).or_default().push(x);
            }
        }
        let mut ready: Vec<NodeId> = order.iter().copied().filter(|x| waiting[x] == 0).collect();
        let mut tranches = Vec::new();
        let mut placed = 0;
        while !ready.is_empty() {
            ready.sort_by_key(|x| position[x]);
            ready.sort_by(|a, b| self.nodes[*a].id.cmp(&self.nodes[*b].id));
            let mut next = Vec::new();
            for r in &ready {
                for &x in dependents.get(r).map(Vec::as_slice).unwrap_or_default() {
                    let w = waiting
                        .get_mut(&x)
                        .expect("every dependent is being sorted");
                    *w -= 1;
                    if *w == 0 {
                        next.push(x);
                    }
                }
            }
            placed += ready.len();
            tranches.push(std::mem::replace(&mut ready, next));
        }
        if placed < order.len() {
            return Err(Cycle);
        }
        Ok(tranches)
    }

    /// From the root down to `n`.
    pub fn root_path(&self, n: NodeId) -> Vec<NodeId> {
        let mut path = vec![n];
        let mut x = n;
        while let Some(p) = self.nodes[x].parent {
            path.push(p);
            x = p;
        }
        path.reverse();
        path
    }

    /// The node that CDK names actions relative to: the closest shared ancestor of `nodes`
    /// (for one node, its parent).
    pub fn common_ancestor(&self, nodes: &[NodeId]) -> Option<NodeId> {
        let mut paths: Vec<Vec<NodeId>> = nodes.iter().map(|&n| self.root_path(n)).collect();
        match paths.len() {
            0 => return None,
            1 => {
                let p = &paths[0];
                return (p.len() >= 2).then(|| p[p.len() - 2]);
            }
            _ => {}
        }
        let mut start = 0;
        loop {
            let first = &paths[0];
            let shared = paths.iter().all(|p| {
                first.len() >= start + 2 && p.len() >= start + 2 && p[start + 1] == first[start + 1]
            });
            if !shared {
                break;
            }
            start += 1;
        }
        if paths.iter().any(|p| p.len() < start + 2) {
            return None;
        }
        Some(paths.swap_remove(0)[start])
    }

    /// The ids from just below `upto` down to `n`.
    pub fn path_below(&self, n: NodeId, upto: NodeId) -> Vec<&str> {
        let mut ids = vec![self.nodes[n].id.as_str()];
        let mut x = n;
        while let Some(p) = self.nodes[x].parent {
            if p == upto {
                break;
            }
            ids.push(self.nodes[p].id.as_str());
            x = p;
        }
        ids.reverse();
        ids
    }
}

impl<L> Default for Graph<L> {
    fn default() -> Self {
        Self::new()
    }
}

/// Splits tranches into chunks of at most `n` leaves (CodePipeline allows 50 actions per
/// stage); a tranche that does not fit is cut.
pub fn chunk_tranches(n: usize, mut tranches: Vec<Vec<NodeId>>) -> Vec<Vec<Vec<NodeId>>> {
    let mut out = Vec::new();
    tranches.reverse();
    while !tranches.is_empty() {
        let mut chunk = Vec::new();
        let mut count = 0;
        while let Some(mut t) = tranches.pop() {
            let room = n - count;
            if t.len() <= room {
                count += t.len();
                chunk.push(t);
            } else {
                let rest = t.split_off(room);
                chunk.push(t);
                tranches.push(rest);
                break;
            }
        }
        out.push(chunk);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tranches_follow_dependencies_and_sort_ties_by_id() {
        let mut g: Graph<()> = Graph::new();
        let stage = g.group("Stage");
        g.add(Graph::<()>::ROOT, stage);
        let b = g.leaf("B", ());
        let a = g.leaf("A", ());
        let c = g.leaf("C", ());
        for x in [b, a, c] {
            g.add(stage, x);
        }
        g.depend_on(c, a);
        let t = g.sorted_leaves(stage).unwrap();
        assert_eq!(t, vec![vec![a, b], vec![c]]);
    }

    #[test]
    fn group_dependencies_reach_every_leaf_inside() {
        let mut g: Graph<()> = Graph::new();
        let stage = g.group("S");
        g.add(Graph::<()>::ROOT, stage);
        let api = g.group("Api");
        let db = g.group("Db");
        g.add(stage, api);
        g.add(stage, db);
        let (ap, ad) = (g.leaf("Prepare", ()), g.leaf("Deploy", ()));
        let (dp, dd) = (g.leaf("Prepare", ()), g.leaf("Deploy", ()));
        g.add(api, ad);
        g.add(api, ap);
        g.add(db, dd);
        g.add(db, dp);
        g.depend_on(ad, ap);
        g.depend_on(dd, dp);
        g.depend_on(api, db);
        let t = g.sorted_leaves(stage).unwrap();
        assert_eq!(t, vec![vec![dp], vec![dd], vec![ap], vec![ad]]);
        assert_eq!(g.common_ancestor(&[ap, ad]), Some(api));
        assert_eq!(g.common_ancestor(&[ap, dd]), Some(stage));
        assert_eq!(g.path_below(ap, stage), vec!["Api", "Prepare"]);
    }

    #[test]
    fn a_cycle_is_reported() {
        let mut g: Graph<()> = Graph::new();
        let (a, b) = (g.leaf("a", ()), g.leaf("b", ()));
        g.add(Graph::<()>::ROOT, a);
        g.add(Graph::<()>::ROOT, b);
        g.depend_on(a, b);
        g.depend_on(b, a);
        assert_eq!(g.sorted_leaves(Graph::<()>::ROOT), Err(Cycle));
    }

    #[test]
    fn chunks_hold_at_most_n_leaves() {
        let t = vec![vec![1, 2, 3], vec![4, 5], vec![6]];
        assert_eq!(
            chunk_tranches(4, t),
            vec![vec![vec![1, 2, 3], vec![4]], vec![vec![5], vec![6]]]
        );
    }
}
