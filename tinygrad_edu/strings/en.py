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
    # demo autograd_grad
    "ag.curve": "L(w) = (x·w − y)²",
    "ag.tangent": "tangent at w = 2, slope tg.grad = {slope}",
    "ag.point": "w = 2: L = {L}, dL/dw = {g}, d²L/dw² = {h}",
    "ag.xlabel": "weight w   (x = 1, target y = 1)",
    "ag.ylabel": "loss L",
    "ag.title": "The gradient is the slope of the loss: tg.grad(L, w) at w = 2",
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
    "cf.shape_title": "Stable softplus as a Function, −6 ≤ x ≤ 6",
    "cf.edge_title": "Where the naive graph breaks: x near 709.78",
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
        "computed by backward() at every sample, not typed in. Yellow: saturation, where |f'(x)| < 0.05 "
        "from there on outward. Sigmoid's derivative is at most 0.25 (at x = 0) and vanishes for |x| > 2.9; "
        "tanh's is at most 1 and vanishes for |x| > 2.2 (梯度消失, vanishing gradient). ReLU passes the "
        "gradient unchanged for x > 0 but blocks it completely for x <= 0: a neuron stuck there is a dead "
        "ReLU (死亡ReLU). Leaky ReLU, drawn with the notes' slope 0.1, keeps a gradient on the left. "
        "SiLU and GELU saturate only far to the left; the dip of their derivative through 0 at their "
        "minimum is a single point, not a flat region, so it is not shaded.",
    "pic.activation_loss.title": "One neuron, three activation + loss pairs",
    "pic.activation_loss.caption":
        "A single weight w (z = w·x, x = 1, target y = 1) trained by gradient descent from w = −2. "
        "Top: the loss per step; bottom: dL/dw from backward(). Sigmoid + BCE (二分类交叉熵) gets "
        "dL/dz = ŷ − y = −0.88 at once and learns steadily. Tanh + MSE starts slowly because tanh is "
        "nearly flat at z = −2 (tanh' = 0.07), then speeds up. ReLU + MSE never moves: relu(−2) = 0 and "
        "relu'(−2) = 0, so dL/dw = 0 at every step and the loss stays at 1 — a dead ReLU (死亡ReLU).",
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
        "backward(), both against p on a log axis. The dashed line is the exact loss without ε, which grows "
        "without bound (ln 0 = −∞). Each ε caps the loss at −ln ε (9.2, 18.4, 27.6) and the gradient at "
        "1/ε (1e4, 1e8, 1e12): a small ε keeps the loss exact down to tiny p, but lets one saturated wrong "
        "prediction produce a huge gradient step. Target 0 near p = 1 is the mirror image.",
    "pic.softmax_jacobian.title": "The softmax Jacobian ∂sᵢ/∂aⱼ",
    "pic.softmax_jacobian.caption":
        "Each cell is ∂sᵢ/∂aⱼ computed by backward() for the notes' input a = (0.7066, 0.4845, 0.3603), "
        "whose softmax is s = (0.399, 0.319, 0.282). Raising one input raises its own probability "
        "(diagonal sᵢ(1 − sᵢ) > 0) and lowers all the others (off-diagonal −sᵢ·sⱼ < 0); each row sums "
        "to 0 because the probabilities always sum to 1. Row 1 is the notes' autograd.grad(p[1], [a]): "
        "(−0.1273, 0.2173, −0.0900).",
    "pic.autograd_grad.title": "tg.grad is the slope of the loss",
    "pic.autograd_grad.caption":
        "The loss of the notes' example, L(w) = (x·w − y)² with x = 1 and y = 1, as a function of the "
        "weight. At w = 2 the engine's tg.grad(L, w) = 2 is the slope of the red tangent, and "
        "tg.grad(tg.grad(L, w, create_graph=True), w) = 2 its curvature. tg.grad returns the numbers "
        "without touching w.grad; backward() adds them into w.grad instead (twice if called twice).",
    "pic.backprop_vs_gd.title": "Back-propagation vs gradient descent",
    "pic.backprop_vs_gd.caption":
        "Contours of the binary cross-entropy loss over the two weights of a tiny network. "
        "Back-propagation (误差反向传播) walks the graph from the loss back to w₁ and w₂ with the chain rule "
        "and yields the gradient ∇L at the red dot — it changes nothing. Gradient descent (梯度下降) then "
        "moves the weights against it (red arrow, lr = 1), to a lower contour. The orange path repeats "
        "both 25 times and ends at the star.",
    "pic.sigmoid_neuron_graph.title": "The chain rule of y = σ(w·x + b), drawn after backward()",
    "pic.sigmoid_neuron_graph.caption":
        "Boxes are Values (label, data, grad); small nodes are ops; each edge carries the local derivative "
        "∂out/∂in at this point, read from the ops registry. Multiply along a path from y back to a leaf and "
        "you get its gradient: dy/dw = σ'(z)·x = 0.105 × 1 = 0.105. This is back-propagation "
        "(误差反向传播): the gradient of the output flows back through each edge.",
    "pic.custom_function.title": "Custom Functions: a stable softplus and a straight-through round",
    "pic.custom_function.caption":
        "Left: a Function whose forward is written in a stable form and whose backward σ(x) is written "
        "by hand; on −6..6 the naive graph ln(1 + eˣ) agrees with it. Middle: near x = 709.78 eˣ no longer "
        "fits in a double, so the naive graph has no number left (red crosses) while the Function still "
        "returns about x. Right: round(x) has derivative 0 almost everywhere, so gradients would stop "
        "there; a Function can declare a different backward (here 1, the straight-through estimator) on "
        "purpose.",
    "pic.gradient_flow_depth.title": "Vanishing gradients in a deep sigmoid net",
    "pic.gradient_flow_depth.caption":
        "Mean |gradient| of each layer's parameters after one backward pass, input layer on the "
        "left, log scale. Going back from the output, every sigmoid layer multiplies the "
        "gradient by σ'(z) <= 0.25: the first layers of the sigmoid net get thousands of times "
        "less gradient than the last ones and barely learn (梯度消失, vanishing gradient). "
        "tanh (f'(0) = 1) and relu (f' = 1 where active) keep it roughly level.",
    "pic.gradient_flow_init.title": "The initialisation decides the gradient's size",
    "pic.gradient_flow_init.caption":
        "The same deep nets with three weight initialisations. micrograd's uniform(−1, 1) "
        "gives weights too large for 16 inputs: in the relu net the activations grow layer "
        "after layer and the gradients reach about 1e3 — an exploding rather than a vanishing "
        "gradient. Xavier (bound √(6/(n_in + n_out)), made for tanh) and He (bound √(6/n_in), "
        "made for relu) keep the gradient at a similar size in every layer.",
    "pic.two_moons_training.title": "Training curves",
    "pic.two_moons_training.caption":
        "The training guide's example: MLP(2, [16, 16, 1]), Adam with lr = 0.05, 30 full-batch epochs. "
        "Left: the binary cross-entropy per epoch (log scale); right: the fraction of the training points "
        "classified right. Each epoch is one forward pass over all 100 points, one backward() "
        "(back-propagation, 误差反向传播) and one Adam step (a refined gradient descent, 梯度下降).",
    "pic.two_moons_boundary.title": "The learned decision boundary",
    "pic.two_moons_boundary.caption":
        "Background: the class the trained network predicts at each point of the plane (the black curve "
        "is where its output logit crosses 0, i.e. ŷ = σ(z) = 0.5); the dots are the training points, so "
        "the accuracy in the title is training accuracy. Two relu layers bend the boundary around the "
        "interleaving half-moons; misclassified points would be circled.",
    "pic.circles_boundary.title": "Two circles, learned",
    "pic.circles_boundary.caption":
        "make_circles with its default inner radius 0.8. With micrograd's uniform(−1, 1) init and Adam at "
        "lr = 0.01 for 30 epochs the network stays at about 76 % (see the numbers); He initialisation, made "
        "for relu, and lr = 0.05 reach 100 % of the training points in 40 epochs. The boundary is a closed "
        "curve between the circles, made of the straight pieces that relu units give.",
    "pic.spiral_boundary.title": "Three spiral arms, one region per class",
    "pic.spiral_boundary.caption":
        "A 3-class problem: the network has three outputs, the class scores, trained with cross-entropy "
        "(softmax inside); each point of the plane takes the class with the largest score. Each class is "
        "drawn as its own region, so the border between two arms is never painted as a sliver of the "
        "third. He init, Adam lr = 0.05, 60 epochs.",
    # the gallery page (index.html); {fields} are filled with HTML by the tour
    "page.title": "tinygrad_edu guided tour",
    "page.h1": "tinygrad_edu: the guided tour",
    "page.intro": "Each picture was drawn from numbers the engine computed (every derivative comes from "
                  "{backward}). Click a picture for the SVG version. The printed numbers of each demo are "
                  "under {numbers}; all of them are also in {summary}.",
    "page.demo": "demo: {command} ({seconds} s)",
    "page.failed": "This demo failed:",
    "page.numbers": "numbers",
    # demos/backprop_written_out.py and its page (tinygrad_edu.viz.code_html)
    "demo.backprop_written_out.title": "Backprop written out: the program tg.compile writes",
    "pic.backprop_written_out_graph.title": "The neuron's graph; its program is in backprop_written_out.html",
    "pic.backprop_written_out_graph.caption":
        "L = BCE(σ(w·x + b), 1) after backward(). tg.compile writes this graph out as one"
        " Python function: backprop_written_out.html (next to this picture) shows it syntax-coloured"
        " beside the graph, line by line - the forward pass, then one line per gradient (d_z"
        " = p − 1), each with the op's local derivative from the registry.",
    "code.page_title": "Backprop written out: the programs tg.compile generates",
    "code.intro":
        "tg.compile(fn, params) runs fn once, records its graph and writes forward and backward"
        " out as one straight-line Python function (step.source). Names come from the labels;"
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
        "∂L/∂z of binary cross-entropy for a confident wrong neuron (y = 0, growing z), three "
        "ways. Written by hand as log(1 + eᶻ) − y·z the gradient is right until e^z overflows at "
        "z ≈ 709.78, then nan: tg.detect_anomaly() names that exp and the line that made it. "
        "With eps = 1e-8 the loss stays finite but the gradient vanishes once e⁻ᶻ drops below "
        "eps (z ≈ 18). The logits form gives the exact σ(z) − y = 1 everywhere.",
    "nan.title": "Binary cross-entropy: where the gradient stops being a number",
    "nan.xlabel": "logit z of a wrong prediction (target y = 0)",
    "nan.ylabel": "∂L/∂z from the engine",
    "nan.hand": "log(1 + eᶻ) − y·z by hand (nan past z ≈ 709)",
    "nan.eps": "eps = 1e-8 inside the log (vanishes once e⁻ᶻ < eps, z ≈ 18)",
    "nan.logits": "binary_cross_entropy_with_logits: σ(z) − y",
    "nan.overflow": "e^z overflows:\ndetect_anomaly() stops here",
    "demo.from_pytorch_notes.title": "From the notes' PyTorch cells to tinygrad_edu",
    "pic.from_pytorch_notes.title": "The notes' PyTorch cells as scalar Values",
    "pic.from_pytorch_notes.caption":
        "The points of the notes' torch.linspace cells, computed with one Value per element: the "
        "activation (circles) and its derivative at each point (squares) from one tg.backward pass, "
        "the scalar form of out.backward(torch.ones_like(out)). On linspace(−100, 100) the sigmoid is "
        "flat beyond ±11, so its derivative is 0 there in float64 too. The numbers printed beside each "
        "torch call match the notes' to 4 digits.",
    "torch.curve": "torch.{op}(linspace) = [v.{op}() ...]",
    "torch.grad": "grad from tg.backward(outs)",
    "torch.panel": "{op} on linspace({lo}, {hi}, 10)",
    "torch.ylabel": "{op}(x) and its derivative",
    "torch.title": "The notes' PyTorch cells, one Value per element; softmax row dp[1]/da = {row}",
}
