"""English texts of the pictures, the demos and the gallery (keys as in :mod:`tinygrad_edu.strings.zh`)."""

TABLE: dict[str, str] = {
    # terms of the learners' notes
    "term.activation": "activation function",
    "term.net_input": "net input",
    "term.vanishing": "vanishing gradient",
    "term.dead_relu": "dead ReLU",
    "term.bce": "binary cross-entropy",
    "term.backprop": "back-propagation",
    "term.gd": "gradient descent",
    "term.derivative": "derivative",
    # plots.plot_activations
    "act.title": "Activation functions f(x) and their derivatives f'(x), computed by backward()",
    "act.title_shaded": "shaded: saturation, |f'(x)| < {thr} from there on outward - the gradient vanishes",
    "act.band": "saturated: |f'| < {thr}",
    "act.f": "f(x)",
    "act.df": "f'(x) from backward()",
    "act.max": "max |f'| = {value}",
    "act.leaky_slope": "  (a = {slope})",
    "act.xlabel": "x  (net input z)",
    "act.ylabel": "f(x) and f'(x)",
    # plots.plot_bce_eps
    "bce.title": "Binary cross-entropy with ε inside the log:  L = −[y·ln(p + ε) + (1 − y)·ln(1 − p + ε)],"
                 "  target y = 1",
    "bce.no_eps": "no ε (exact −ln p)",
    "bce.loss_title": "the loss L",
    "bce.grad_title": "the gradient |dL/dp| from backward()",
    "bce.loss_ylabel": "loss L",
    "bce.grad_ylabel": "|dL/dp|",
    "bce.at_zero": "exactly at p = 0:",
    "bce.xlabel": "prediction p  (log scale; p → 0 is confidently wrong)",
    "bce.mirror": "(target y = 0 near p = 1 is the same picture with p replaced by 1 − p)",
    # plots.plot_bce_logit_gradient
    "bcez.formula": "ŷ − y, y = {y}",
    "bcez.engine": "dL/dz from backward(), y = {y}",
    "bcez.title": "Sigmoid output + BCE: the gradient w.r.t. the net input z is ŷ − y\n"
                  "(dots: backward() through log and sigmoid; lines: the formula)",
    "bcez.xlabel": "net input z  (ŷ = σ(z))",
    # plots.plot_softmax_jacobian
    "smx.title": "Softmax Jacobian ∂sᵢ/∂aⱼ = sᵢ(δᵢⱼ − sⱼ), from backward()\n"
                 "s = softmax(a); every row sums to 0",
    "smx.xlabel": "input aⱼ",
    "smx.ylabel": "output sᵢ = softmax(a)ᵢ",
    # plots.plot_training
    "train.title": "Training",
    "train.loss": "loss",
    "train.accuracy": "accuracy",
    "train.final": "{name} (final {value})",
    "train.epoch": "epoch",
    "train.loss_axis": "loss (log scale)",
    "train.accuracy_axis": "fraction classified right",
    "train.loss_title": "loss per epoch",
    "train.accuracy_title": "training accuracy per epoch",
    # plots.plot_decision_boundary
    "boundary.title": "Decision boundary",
    "boundary.class": "class {k}",
    "boundary.wrong": "misclassified ({n})",
    "boundary.stacked": "{n} points on one spot",
    "boundary.acc_points": "accuracy on these points {acc}",
    "boundary.acc_train": "training accuracy {acc}",
    "boundary.acc_test": "test accuracy {acc}",
    # plots.plot_gradient_flow
    "flow.title": "Gradient flow: mean |dL/dp| of each layer's parameters after one backward pass",
    "flow.xlabel": "layer (1 = next to the input, last = output layer)",
    "flow.ylabel": "mean |grad| (log scale)",
    "flow.panel": "mean |grad| per layer",
    "flow.init_uniform": "uniform(−1, 1)",
    "flow.init_xavier": "Xavier",
    "flow.init_he": "He",
    "flow.depth_panel": "{depth} hidden layers of {width}, Xavier init",
    "flow.init_panel": "{act} net: uniform(−1, 1) vs Xavier vs He",
    # plots.plot_activation_loss_experiment
    "neuron.title": "One neuron, x = {x}, target y = {y}, w starts at {w0}, gradient descent with lr = {lr}",
    "neuron.loss": "loss L",
    "neuron.grad": "dL/dw (from backward)",
    "neuron.step": "gradient-descent step",
    "neuron.stuck": "stuck: dL/dw = 0 (dead ReLU)",
    "neuron.learning": "learning",
    "neuron.span": "step 0 → step {last}",
    # demo autograd_grad
    "ag.curve": "L(w) = (x·w − y)²",
    "ag.tangent": "tangent at w = {w}, slope tg.grad = {slope}",
    "ag.point": "w = {w}: L = {L}, dL/dw = {g}, d²L/dw² = {h}",
    "ag.xlabel": "weight w   (x = {x}, target y = {y})",
    "ag.ylabel": "loss L",
    "ag.title": "The gradient is the slope of the loss: tg.grad(L, w) at w = {w}",
    # demo backprop_vs_gd
    "gd.title": "Back-propagation computes ∇L; gradient descent steps against it\n"
                "contours of the loss L = BCE(ŷ, y), ŷ = σ(w₂·tanh(w₁·x)), x = {x}, y = {y}",
    "gd.path": "{steps} steps of gradient descent",
    "gd.start": "start: L = {L}, ∇L = ({g1}, {g2})",
    "gd.step": "after one step w ← w − {lr}·∇L: L = {L}",
    "gd.end": "after {steps} steps: L = {L}",
    "gd.xlabel": "weight w₁",
    "gd.ylabel": "weight w₂",
    # demo custom_function
    "cf.stable": "Softplus.apply(x)",
    "cf.backward": "its hand-written backward: σ(x)",
    "cf.naive_agrees": "naive ln(1 + eˣ): agrees here",
    "cf.naive_ok": "naive ln(1 + eˣ)",
    "cf.naive_bad": "naive ln(1 + eˣ): overflow, no number ({n} points)",
    "cf.limit": "eˣ overflows past x = {limit}",
    "cf.shape_title": "Stable softplus as a Function, {lo} ≤ x ≤ {hi}",
    "cf.edge_title": "Where the naive graph breaks: x near {limit}",
    "cf.value_ylabel": "softplus(x) and its derivative",
    "cf.softplus_ylabel": "softplus(x)",
    "cf.round": "forward: round(x)",
    "cf.ste": "backward: 1 (straight-through)",
    "cf.true": "true derivative of round: 0",
    "cf.ste_title": "Straight-through estimator for round",
    "cf.round_ylabel": "round(x) and the gradient passed back",
    # demo two_moons
    "moons.title": "Two moons",
    "moons.train_title": "Training MLP(2, [16, 16, 1]) on two moons: Adam lr = {lr}, {epochs} epochs, "
                         "full batch",
    # demo circles_spiral
    "cs.circles_title": "Circles: {init} init, Adam lr = {lr}, {epochs} epochs",
    "cs.spiral_title": "Spiral, 3 classes: He init, Adam lr = {lr}, {epochs} epochs",
    # demo titles
    "demo.activations.title": "Activation functions and their derivatives",
    "demo.activation_loss.title": "Which activation + loss learns? The dead ReLU",
    "demo.bce_gradient.title": "Sigmoid + BCE: dL/dz = ŷ − y",
    "demo.bce_eps.title": "BCE: the eps inside the log",
    "demo.softmax_jacobian.title": "Softmax and its Jacobian",
    "demo.autograd_grad.title": "autograd.grad and backward(): the notes' example",
    "demo.backprop_vs_gd.title": "Back-propagation vs gradient descent: one step",
    "demo.chain_rule_graph.title": "The chain rule of a sigmoid neuron, drawn",
    "demo.custom_function.title": "A custom Function with a hand-written backward",
    "demo.gradient_flow.title": "Gradient flow: vanishing gradients and initialisation",
    "demo.two_moons.title": "Two moons: an MLP learns a curved decision boundary",
    "demo.circles_spiral.title": "Circles and spiral: settings that learn them",
    # gallery pictures: title and caption
    "pic.activations.title": "Activations f(x) and their derivatives f'(x) from backward()",
    "pic.activations.caption":
        "Blue: the activation f(x) (活性值 a = f(z) of the net input z, 净活性值). Red dashes: f'(x), "
        "computed by backward() at every sample, not typed in. Yellow: saturation, where |f'(x)| < {thr} "
        "from there on outward. Sigmoid's derivative is at most {sig_max} (at x = {sig_at}) and vanishes "
        "for |x| > {sig_edge}; tanh's is at most {tanh_max} and vanishes for |x| > {tanh_edge} (梯度消失, "
        "vanishing gradient). ReLU passes the gradient unchanged for x > 0 but blocks it completely for x "
        "<= 0: a neuron stuck there is a dead ReLU (死亡ReLU). Leaky ReLU, drawn with the notes' slope "
        "{leaky}, keeps a gradient on the left. SiLU and GELU saturate only far to the left; the dip of "
        "their derivative through 0 at their minimum is a single point, not a flat region, so it is not "
        "shaded.",
    "pic.activation_loss.title": "One neuron, three activation + loss pairs",
    "pic.activation_loss.caption":
        "A single weight w (z = w·x, x = {x}, target y = {y}) trained by gradient descent from w = {w0} "
        "with lr = {lr}. Top: the loss at each step (step 0 is before the first update, step {last} "
        "after the last); bottom: dL/dw "
        "from backward() at that step. Sigmoid + BCE (二分类交叉熵) gets dL/dz = ŷ − y = {g_sig} at once "
        "and learns steadily: L {sig_first} → {sig_last} at step {last}. Tanh + MSE starts slowly because "
        "tanh is nearly flat at z = {z0} (tanh' = {tanh_d}), then speeds up: L {tanh_first} → {tanh_last}. "
        "ReLU + MSE never moves: relu({z0}) = {relu_out} and relu'({z0}) = {relu_d}, so dL/dw = 0 at every "
        "step and the loss stays at {relu_loss} — a dead ReLU (死亡ReLU).",
    "pic.bce_gradient.title": "Sigmoid output + BCE: dL/dz = ŷ − y",
    "pic.bce_gradient.caption":
        "Circles: dL/dz computed by backward() through the graph −[y·log σ(z) + (1 − y)·log(1 − σ(z))]; "
        "lines: the formula ŷ − y. They coincide: the sigmoid's derivative ŷ(1 − ŷ) cancels the "
        "denominators of the binary cross-entropy (二分类交叉熵) derivative. The gradient is the error "
        "itself: near 0 when the prediction is right, near ±1 when it is confidently wrong, and it never "
        "vanishes for a wrong answer — unlike sigmoid + MSE.",
    "pic.bce_eps.title": "Binary cross-entropy with ε inside the log",
    "pic.bce_eps.caption":
        "Target 1 and a prediction p going to 0: confidently wrong. Left: the loss; right: |dL/dp| from "
        "backward(), both against p on a log axis. The dashed line is the exact loss without ε, which "
        "grows without bound (ln 0 = −∞). Each ε caps the loss at −ln ε ({caps}) and the gradient at 1/ε "
        "({grad_caps}): a small ε keeps the loss exact down to tiny p, but lets one saturated wrong "
        "prediction produce a huge gradient step. Target 0 near p = 1 is the mirror image.",
    "pic.softmax_jacobian.title": "The softmax Jacobian ∂sᵢ/∂aⱼ",
    "pic.softmax_jacobian.caption":
        "Each cell is ∂sᵢ/∂aⱼ computed by backward() for the notes' input a = {a}, whose softmax is s = "
        "{s}. Raising one input raises its own probability (diagonal sᵢ(1 − sᵢ) > 0) and lowers all the "
        "others (off-diagonal −sᵢ·sⱼ < 0); each row sums to 0 because the probabilities always sum to 1. "
        "Row {i} is the notes' autograd.grad(p[{i}], [a]): {row}.",
    "pic.autograd_grad.title": "tg.grad is the slope of the loss",
    "pic.autograd_grad.caption":
        "The loss of the notes' example, L(w) = (x·w − y)² with x = {x} and y = {y}, as a function of the "
        "weight. At w = {w} the engine's tg.grad(L, w) = {g} is the slope of the red tangent, and "
        "tg.grad(tg.grad(L, w, create_graph=True), w) = {h} its curvature. tg.grad returns the numbers "
        "without touching w.grad; backward() adds them into w.grad instead (twice if called twice).",
    "pic.backprop_vs_gd.title": "Back-propagation vs gradient descent",
    "pic.backprop_vs_gd.caption":
        "Contours of the binary cross-entropy loss over the two weights of a tiny network. "
        "Back-propagation (误差反向传播) walks the graph from the loss back to w₁ and w₂ with the chain "
        "rule and yields the gradient ∇L at the red dot — it changes nothing. Gradient descent (梯度下降) "
        "then moves the weights against it (red arrow, lr = {lr}), to a lower contour: L {before} → "
        "{after}. The orange path repeats both {steps} times and ends at the star (L = {end}).",
    "pic.sigmoid_neuron_graph.title": "The chain rule of y = σ(w·x + b), drawn after backward()",
    "pic.sigmoid_neuron_graph.caption":
        "Boxes are Values (label, data, grad); small nodes are ops; each edge carries the local derivative "
        "∂out/∂in at this point, read from the ops registry. Multiply along a path from y back to a leaf "
        "and you get its gradient: dy/dw = σ'(z)·x = {dz} × {x} = {dw}. This is back-propagation "
        "(误差反向传播): the gradient of the output flows back through each edge.",
    "pic.custom_function.title": "Custom Functions: a stable softplus and a straight-through round",
    "pic.custom_function.caption":
        "Left: a Function whose forward is written in a stable form and whose backward σ(x) is written by "
        "hand; on {lo}..{hi} the naive graph ln(1 + eˣ) agrees with it. Middle: beyond x = {limit} eˣ no "
        "longer fits in a double, so the naive graph has no number left (red crosses) while the Function "
        "still returns about x. Right: round(x) has derivative 0 almost everywhere, so gradients would "
        "stop there; a Function can declare a different backward (here 1, the straight-through estimator) "
        "on purpose.",
    "pic.gradient_flow_depth.title": "Vanishing gradients in a deep sigmoid net",
    "pic.gradient_flow_depth.caption":
        "Mean |gradient| of each layer's parameters after one backward pass, input layer on the left, log "
        "scale. Going back from the output, every sigmoid layer multiplies the gradient by σ'(z) <= "
        "{sig_max}: the first layer of the {depth}-layer sigmoid net gets {sig_ratio} times the gradient "
        "of the last (tanh: {tanh_ratio}, relu: {relu_ratio}) and barely learns (梯度消失, vanishing "
        "gradient). tanh (f'(0) = 1) and relu (f' = 1 where active) keep it roughly level.",
    "pic.gradient_flow_init.title": "The initialisation decides the gradient's size",
    "pic.gradient_flow_init.caption":
        "The same deep nets with three weight initialisations. micrograd's uniform(−1, 1) gives weights "
        "too large for {width} inputs: in the relu net the activations grow layer after layer and the "
        "gradients reach about {relu_peak} — an exploding rather than a vanishing gradient. Xavier (bound "
        "√(6/(n_in + n_out)), made for tanh) and He (bound √(6/n_in), made for relu) keep the gradient at "
        "a similar size in every layer.",
    "pic.two_moons_training.title": "Training curves",
    "pic.two_moons_training.caption":
        "The training guide's example: {model}, Adam with lr = {lr}, {epochs} full-batch epochs. Left: "
        "the binary "
        "cross-entropy per epoch (log scale); right: the fraction of the training points classified right "
        "({acc} after the last epoch). Each epoch is one forward pass over all {n} points, one backward() "
        "(back-propagation, 误差反向传播) and one Adam step (a refined gradient descent, 梯度下降).",
    "pic.two_moons_boundary.title": "The learned decision boundary",
    "pic.two_moons_boundary.caption":
        "Background: the class the trained network predicts at each point of the plane (the black curve "
        "is where its output logit crosses 0, i.e. ŷ = σ(z) = 0.5); the dots are the training points, so "
        "the accuracy in the title is training accuracy. Two relu layers bend the boundary around the "
        "interleaving half-moons; misclassified points are circled.",
    "pic.circles_boundary.title": "Two circles, learned",
    "pic.circles_boundary.caption":
        "make_circles with its default inner radius {factor}. With micrograd's uniform(−1, 1) init and "
        "Adam at lr = {lr0} for {epochs0} epochs the network reaches only {acc0} of the training points; "
        "He initialisation, made for relu, and lr = {lr1} reach {acc1} in {epochs1} epochs. The boundary "
        "is a closed curve between the circles, made of the straight pieces that relu units give.",
    "pic.spiral_boundary.title": "Three spiral arms, one region per class",
    "pic.spiral_boundary.caption":
        "A {k}-class problem: the network has {k} outputs, the class scores, trained with "
        "cross-entropy (softmax inside); each point of the plane takes the class with the largest "
        "score. Each class is drawn as its own region, its border where two scores cross, so the "
        "border between two arms is never painted as a sliver of a third. The {k} arms all start at "
        "(0, 0): that one spot holds a point of each class, so whichever class is predicted there, "
        "{n_origin} of them are misclassified (the one circle there). He init, Adam lr = {lr}, "
        "{epochs} epochs: training accuracy {acc}.",
    # the gallery page (index.html); {fields} are filled with HTML by the tour
    "page.title": "tinygrad_edu guided tour",
    "page.h1": "tinygrad_edu: the guided tour",
    "page.intro": "Each picture was drawn from numbers the engine computed (every derivative comes from "
                  "{backward}). Click a picture for the SVG version. The printed numbers of each demo are "
                  "under {numbers}; all of them are also in {summary}.",
    "page.demo": "demo: {command} ({seconds} s)",
    "page.failed": "This demo failed:",
    "page.numbers": "numbers",
    "page.open": "Open {link} beside this picture.",
    # demos/backprop_written_out.py and its page (tinygrad_edu.viz.code_html)
    "demo.backprop_written_out.title": "Backprop written out: the program tg.compile writes",
    "pic.backprop_written_out_graph.title": "The neuron's graph; its program is in backprop_written_out.html",
    "pic.backprop_written_out_graph.caption":
        "L = BCE(σ(w·x + b), 1) after backward(). tg.compile writes this graph out as one"
        " Python function: backprop_written_out.html (next to this picture) shows it syntax-coloured"
        " beside the graph, line by line - the forward pass, then one line per gradient (d_z"
        " = p − 1), each with the op's local derivative from the registry.",
    "code.scroll_hint": "The graph is wider than the page: scroll it sideways to see the rest.",
    "code.page_title": "Backprop written out: the programs tg.compile generates",
    "code.intro":
        "tg.compile(fn, params) runs fn once, records its graph and writes forward and backward"
        " out as one straight-line Python function (step.source). A label that is a plain"
        " identifier names its value; any other label stays in a comment beside a generated"
        " name (p0, t5);"
        " d_v is d(loss)/dv; each comment is the op's formula or local derivative from the"
        " ops registry. The graph on the right is the same computation, drawn after backward().",
    "code.neuron": "The notes' neuron: L = BCE(σ(w·x + b), 1)",
    "code.neuron_note":
        "Read the backward part bottom-up against the graph: log's derivative is called through"
        " the registry, then sigmoid's σ(1 − σ) is pasted, then mul hands x to d_w and add"
        " hands d_z to d_b unchanged.",
    "code.mlp": "A two-layer MLP (sigmoid hidden layer and output) on one sample",
    "code.mlp_note":
        "{ops} ops, {lines} lines: one line per neuron's output the backward pass reads again,"
        " one per gradient.",
    "code.speed":
        "How much faster this program runs than an eager step is measured, with its command and"
        " machine, in the guide's speed page (docs/speed.md).",
    "demo.where_nan_starts.title": "Where the NaN starts: detect_anomaly",
    "pic.where_nan_starts.title": "Where the NaN starts",
    "pic.where_nan_starts.caption":
        "∂L/∂z of binary cross-entropy for a confident wrong neuron (y = 0, growing z; log-scaled z "
        "axis), three ways. Written by hand as log(1 + eᶻ) − y·z the gradient is right until eᶻ "
        "overflows at z ≈ {limit}, then nan: tg.detect_anomaly() names that exp and the line that "
        "made it. With eps = {eps} the loss stays finite, but once e⁻ᶻ falls below eps (z ≈ "
        "{vanish}) the gradient drops: {at_vanish} there, 0 from z ≈ {dead} on. The logits form "
        "gives the exact σ(z) − y everywhere ({at_start} at z = {z_start}, {at_end} from z ≈ {dead} "
        "on).",
    "nan.title": "Binary cross-entropy: where the gradient stops being a number",
    "nan.xlabel": "logit z of a wrong prediction (target y = 0)",
    "nan.ylabel": "∂L/∂z from the engine",
    "nan.hand": "log(1 + eᶻ) − y·z by hand (nan past z ≈ {limit})",
    "nan.eps": "eps = {eps} inside the log (vanishes once e⁻ᶻ < eps, z ≈ {vanish})",
    "nan.logits": "binary_cross_entropy_with_logits: σ(z) − y",
    "nan.overflow": "eᶻ overflows:\ndetect_anomaly() stops here",
    "demo.from_pytorch_notes.title": "From the notes' PyTorch cells to tinygrad_edu",
    "pic.from_pytorch_notes.title": "The notes' PyTorch cells as scalar Values",
    "pic.from_pytorch_notes.caption":
        "The points of the notes' torch.linspace cells, computed with one Value per element: the "
        "activation (circles) and its derivative at each point (squares) from one tg.backward pass, the "
        "scalar form of out.backward(torch.ones_like(out)). On linspace({lo}, {hi}) the sigmoid's "
        "derivative at x = ±{x_small} is {d_small}: small, not 0. In float64 it is exactly 0 only where "
        "σ(x) rounds to 1, at x ≥ {zero_from}; on the left it stays positive ({d_left} at x = {x_left}). "
        "The numbers printed beside each torch call match the notes' to {digits} digits.",
    "torch.curve": "torch.{op}(linspace) = [v.{op}() ...]",
    "torch.grad": "grad from tg.backward(outs)",
    "torch.panel": "{op} on linspace({lo}, {hi}, {n})",
    "torch.ylabel": "{op}(x) and its derivative",
    "torch.title": "The notes' PyTorch cells, one Value per element; softmax row dp[1]/da = {row}",
    # the graph picture (tinygrad_edu.viz.graph): box words, footnotes, tooltips
    "graph.data": "data",
    "graph.grad": "grad",
    "graph.const": "const",
    "graph.inputs": "inputs",
    "graph.note_local": "number where an edge enters an op: the local derivative ∂out/∂in, "
                        "so grad(in) = Σ grad(out) × that number",
    "graph.note_ref": "dashed name box: a Value drawn elsewhere, repeated next to its use "
                      "instead of a long edge",
    "graph.note_color": "colour: |grad| on a log scale, white below 1e-{decades} × the largest ({largest}), "
                        "red at the largest",
    "graph.note_no_backward": "every grad is 0: no backward pass yet? "
                              "Call .backward() on the output to fill them",
    "graph.tip_local": "local derivative = {value}",
    "graph.tip_ref": "{name}: the same Value as the box {name}, repeated here instead of a long edge",
    # explain (tinygrad_edu.viz.explain), as text and as Markdown
    "explain.with": "with {values}",
    "explain.more_inner": "… and {n} more intermediate values",
    "explain.more_items": "… ({n} more)",
    "explain.more": "{n} more",
    "explain.rules": "local derivatives (from the ops registry):",
    "explain.rules_md": "Local derivatives (from the ops registry):",
    "explain.argument": " (argument {k})",  # after a factor: dy/du1 (argument 1)
    "explain.argument_tex": r"\text{{argument }}{k}",  # LaTeX
    "explain.paths": "sum over {n} paths, as {x} is used more than once:",
    "explain.more_paths": "… {n} more paths not printed ({hint})",
    "explain.hint_all": "{code} prints them all",
    "explain.hint_many": "too many to print",
    "explain.total": "over all {n} paths (the backpropagation result, which adds the paths up node by node)",
    "explain.itself": "({name} is the output itself)",
    "explain.constant": "{name} = {value} is a constant (it requires no grad): "
                        "there is no chain rule to show",
    # the step-through page of the backward pass (tinygrad_edu.viz.html)
    "steps.start_title": "Start: the forward pass has computed every value; seed grad({r}) = d{r}/d{r} = 1",
    "steps.start_line": "Backpropagation now visits the nodes from the output back to the inputs. "
                        "When a node is visited its gradient is final, and it adds "
                        "grad(node) × ∂node/∂input to the gradient of each of its inputs.",
    "steps.node_line": "{name} = {op};  grad({name}) = {g} is final.  "
                       "Local derivative of {symbol}: {derivative}",
    "steps.constant": "{x} is a constant: it needs no gradient",
    "steps.update": "grad({x}) += grad({name}) × ∂{name}/∂{x} = {g} × {d} = {c}",
    "steps.running": "   → grad({x}) = {before} {sign} = {after}",
    "steps.step_title": "Step {step} of {n}: visit {name} = {op}",
    "steps.done_title": "Done: every gradient is final",
    "steps.done_line": "d{r}/d{x} = grad({x}) = {g}",
    "steps.heading": "Backward pass of {name}, node by node",
    "steps.intro": "Each step visits one node, output first. Its gradient is final by then, "
                   "and the chain rule passes it on: grad(input) += grad(node) × ∂node/∂input, "
                   "where the local derivative ∂node/∂input is the small number "
                   "where that input's edge enters the op.",
    "steps.first": "« first",
    "steps.prev": "◀ prev",
    "steps.play": "▶ play",
    "steps.pause": "⏸ pause",
    "steps.next": "next ▶",
    "steps.last": "last »",
    "steps.first_tip": "first frame (Home)",
    "steps.prev_tip": "previous frame (←)",
    "steps.play_tip": "play / pause (space)",
    "steps.next_tip": "next frame (→)",
    "steps.last_tip": "last frame (End)",
    "steps.speed": "speed",
    "steps.fast": "fast",
    "steps.normal": "normal",
    "steps.slow": "slow",
    "steps.counter_start": "start, before step 1 of {n}",
    "steps.counter_step": "step {k} of {n}",
    "steps.counter_done": "done: all {n} steps",
    "steps.graph_click": "click: actual size / fit to the window",
    "steps.legend": "Red outline: the node being visited and its edges. Blue outline and red numbers: "
                    "gradients that this step changed. — : gradient not reached yet.",
    "steps.iframe_title": "step-through page of the backward pass of {name}",
    "jupyter.not_drawn": "(graph not drawn: {why})",
    "jupyter.too_many": "it has {n} Values, more than the {cap} drawn inline; "
                        "call {code} to draw it into a file",
    "jupyter.timeout": "Graphviz's layout of its {n} Values took over {seconds} s; "
                       "draw it into a file with {code}",
    "jupyter.no_dot": "Graphviz's `dot` program is not installed (Debian/Ubuntu: apt-get install graphviz; "
                      "macOS: brew install graphviz)",
    "jupyter.failed": "{error}",
}
