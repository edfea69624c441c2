"""中文文本：图、演示和图集页面（与 :mod:`tinygrad_edu.strings.en` 的键一一对应）。

术语取自学习笔记：激活函数、净活性值、活性值、梯度消失、死亡ReLU、二分类交叉熵、
误差反向传播、梯度下降、导数。
"""

TABLE: dict[str, str] = {
    # 笔记中的术语
    "term.activation": "激活函数",
    "term.net_input": "净活性值",
    "term.vanishing": "梯度消失",
    "term.dead_relu": "死亡ReLU",
    "term.bce": "二分类交叉熵",
    "term.backprop": "误差反向传播",
    "term.gd": "梯度下降",
    "term.derivative": "导数",
    # plots.plot_activations
    "act.title": "激活函数 f(x) 及其导数 f'(x)（导数由 backward() 计算）",
    "act.title_shaded": "阴影：饱和区，从此处向外 |f'(x)| < {thr}，梯度消失",
    "act.band": "饱和区：|f'| < {thr}",
    "act.f": "激活函数 f(x)",
    "act.df": "导数 f'(x)（backward()）",
    "act.max": "最大 |f'| = {value}",
    "act.leaky_slope": "（a = {slope}）",
    "act.xlabel": "x（净活性值 z）",
    "act.ylabel": "f(x) 与导数 f'(x)",
    # plots.plot_bce_eps
    "bce.title": "对数中带 ε 的二分类交叉熵：L = −[y·ln(p + ε) + (1 − y)·ln(1 − p + ε)]，目标 y = 1",
    "bce.no_eps": "不加 ε（精确的 −ln p）",
    "bce.loss_title": "损失 L",
    "bce.grad_title": "backward() 算出的梯度 |dL/dp|",
    "bce.loss_ylabel": "损失 L",
    "bce.grad_ylabel": "|dL/dp|",
    "bce.at_zero": "恰在 p = 0 处：",
    "bce.xlabel": "预测值 p（对数坐标；p → 0 即自信地预测错）",
    "bce.mirror": "（目标 y = 0、p 接近 1 的情形与此图相同，只需把 p 换成 1 − p）",
    # plots.plot_bce_logit_gradient
    "bcez.formula": "ŷ − y，y = {y}",
    "bcez.engine": "backward() 算出的 dL/dz，y = {y}",
    "bcez.title": "Sigmoid 输出 + 二分类交叉熵：对净活性值 z 的梯度就是 ŷ − y\n"
                  "（圆点：经 log 和 sigmoid 的 backward()；实线：公式）",
    "bcez.xlabel": "净活性值 z（ŷ = σ(z)）",
    # plots.plot_softmax_jacobian
    "smx.title": "Softmax 的雅可比矩阵 ∂sᵢ/∂aⱼ = sᵢ(δᵢⱼ − sⱼ)，由 backward() 计算\n"
                 "s = softmax(a)；每一行之和为 0",
    "smx.xlabel": "输入 aⱼ",
    "smx.ylabel": "输出 sᵢ = softmax(a)ᵢ",
    # plots.plot_training
    "train.title": "训练过程",
    "train.loss": "损失",
    "train.accuracy": "准确率",
    "train.final": "{name}（最终 {value}）",
    "train.epoch": "轮次（epoch）",
    "train.loss_axis": "损失（对数坐标）",
    "train.accuracy_axis": "分类正确的比例",
    "train.loss_title": "每轮的损失",
    "train.accuracy_title": "每轮的训练准确率",
    # plots.plot_decision_boundary
    "boundary.title": "决策边界",
    "boundary.class": "类别 {k}",
    "boundary.wrong": "分错的点（{n}）",
    "boundary.acc_points": "这些点上的准确率 {acc}",
    "boundary.acc_train": "训练准确率 {acc}",
    "boundary.acc_test": "测试准确率 {acc}",
    # plots.plot_gradient_flow
    "flow.title": "梯度流：一次反向传播后各层参数的平均 |dL/dp|",
    "flow.xlabel": "层（1 = 紧接输入的层，最后一层 = 输出层）",
    "flow.ylabel": "平均 |梯度|（对数坐标）",
    "flow.panel": "各层的平均 |梯度|",
    "flow.init_uniform": "uniform(−1, 1)",
    "flow.init_xavier": "Xavier",
    "flow.init_he": "He",
    "flow.depth_panel": "{depth} 个隐藏层，每层 {width} 个神经元，Xavier 初始化",
    "flow.init_panel": "{act} 网络：uniform(−1, 1)、Xavier 与 He 初始化",
    # plots.plot_activation_loss_experiment
    "neuron.title": "单个神经元：x = {x}，目标 y = {y}，w 从 {w0} 开始，梯度下降，学习率 lr = {lr}",
    "neuron.loss": "损失 L",
    "neuron.grad": "dL/dw（backward() 计算）",
    "neuron.step": "梯度下降步数",
    "neuron.stuck": "停滞：dL/dw = 0（死亡ReLU）",
    "neuron.learning": "在学习",
    # demo autograd_grad
    "ag.curve": "L(w) = (x·w − y)²",
    "ag.tangent": "w = 2 处的切线，斜率 tg.grad = {slope}",
    "ag.point": "w = 2：L = {L}，dL/dw = {g}，d²L/dw² = {h}",
    "ag.xlabel": "权重 w（x = 1，目标 y = 1）",
    "ag.ylabel": "损失 L",
    "ag.title": "梯度就是损失曲线的斜率：w = 2 处的 tg.grad(L, w)",
    # demo backprop_vs_gd
    "gd.title": "误差反向传播计算梯度 ∇L，梯度下降沿其反方向走一步\n"
                "损失 L = 二分类交叉熵 BCE(ŷ, y) 的等高线，ŷ = σ(w₂·tanh(w₁·x))，x = {x}，y = {y}",
    "gd.path": "梯度下降 {steps} 步",
    "gd.start": "起点：L = {L}，∇L = ({g1}, {g2})",
    "gd.step": "走一步 w ← w − {lr}·∇L 之后：L = {L}",
    "gd.end": "{steps} 步之后：L = {L}",
    "gd.xlabel": "权重 w₁",
    "gd.ylabel": "权重 w₂",
    # demo custom_function
    "cf.stable": "Softplus.apply(x)",
    "cf.backward": "手写的 backward：σ(x)",
    "cf.naive_agrees": "直接写的 ln(1 + eˣ)：这里一致",
    "cf.naive_ok": "直接写的 ln(1 + eˣ)",
    "cf.naive_bad": "直接写的 ln(1 + eˣ)：溢出，得不到数（{n} 个点）",
    "cf.limit": "x 超过 {limit} 时 eˣ 溢出",
    "cf.shape_title": "用 Function 写的稳定 softplus，−6 ≤ x ≤ 6",
    "cf.edge_title": "直接写法在哪里失效：x 接近 709.78",
    "cf.value_ylabel": "softplus(x) 及其导数",
    "cf.softplus_ylabel": "softplus(x)",
    "cf.round": "前向：round(x)",
    "cf.ste": "反向：1（直通估计）",
    "cf.true": "round 的真实导数：0",
    "cf.ste_title": "round 的直通估计器（straight-through）",
    "cf.round_ylabel": "round(x) 与回传的梯度",
    # demo two_moons
    "moons.title": "双月数据集",
    "moons.train_title": "在双月数据上训练 MLP(2, [16, 16, 1])：Adam，lr = {lr}，{epochs} 轮，全批量",
    # demo circles_spiral
    "cs.circles_title": "同心圆：{init} 初始化，Adam lr = {lr}，{epochs} 轮",
    "cs.spiral_title": "螺旋，3 类：He 初始化，Adam lr = {lr}，{epochs} 轮",
    # 演示标题
    "demo.activations.title": "激活函数及其导数",
    "demo.activation_loss.title": "哪种激活函数 + 损失能学会？死亡ReLU",
    "demo.bce_gradient.title": "Sigmoid + 二分类交叉熵：dL/dz = ŷ − y",
    "demo.bce_eps.title": "二分类交叉熵：对数里的 eps",
    "demo.softmax_jacobian.title": "Softmax 及其雅可比矩阵",
    "demo.autograd_grad.title": "autograd.grad 与 backward()：笔记中的例子",
    "demo.backprop_vs_gd.title": "误差反向传播与梯度下降：一步",
    "demo.chain_rule_graph.title": "画出 sigmoid 神经元的链式法则",
    "demo.custom_function.title": "自定义 Function：手写 backward",
    "demo.gradient_flow.title": "梯度流：梯度消失与初始化",
    "demo.two_moons.title": "双月数据：MLP 学出弯曲的决策边界",
    "demo.circles_spiral.title": "同心圆与螺旋：能学会它们的设置",
    # 图集中的图：标题与说明
    "pic.activations.title": "激活函数 f(x) 及其由 backward() 算出的导数 f'(x)",
    "pic.activations.caption":
        "蓝线：激活函数 f(x)（净活性值 z 经激活得到活性值 a = f(z)）。红色虚线：导数 f'(x)，在每个采样点"
        "由 backward() 计算，而不是手写公式。黄色阴影：饱和区，从此处向外 |f'(x)| < 0.05。Sigmoid 的导数"
        "最大只有 0.25（在 x = 0），|x| > 2.9 时梯度消失；tanh 的导数最大为 1，|x| > 2.2 时梯度消失。"
        "ReLU 在 x > 0 时原样传回梯度，在 x ≤ 0 时完全挡住：输入一直落在那里的神经元就是死亡ReLU。"
        "Leaky ReLU 按笔记取斜率 0.1，左侧仍保留梯度。SiLU 和 GELU 只在左侧远处饱和；它们在极小值处"
        "导数穿过 0，只是一个点，不是平坦区域，因此不画阴影。",
    "pic.activation_loss.title": "单个神经元：三种激活函数 + 损失的组合",
    "pic.activation_loss.caption":
        "只有一个权重 w（z = w·x，x = 1，目标 y = 1），从 w = −2 开始做梯度下降。上：每一步的损失；"
        "下：backward() 算出的 dL/dw。Sigmoid + 二分类交叉熵一开始就得到 dL/dz = ŷ − y = −0.88，稳步"
        "学习。Tanh + MSE 起步慢，因为 tanh 在 z = −2 处几乎是平的（tanh' = 0.07），随后加快。"
        "ReLU + MSE 完全不动：relu(−2) = 0 且 relu'(−2) = 0，所以每一步 dL/dw = 0，损失一直是 1——"
        "这就是死亡ReLU。",
    "pic.bce_gradient.title": "Sigmoid 输出 + 二分类交叉熵：dL/dz = ŷ − y",
    "pic.bce_gradient.caption":
        "圆点：backward() 沿计算图 −[y·log σ(z) + (1 − y)·log(1 − σ(z))] 算出的 dL/dz；实线：公式 ŷ − y。"
        "两者重合：sigmoid 的导数 ŷ(1 − ŷ) 恰好约掉二分类交叉熵导数的分母。梯度就是误差本身：预测对时"
        "接近 0，自信地预测错时接近 ±1；对错误的预测梯度从不消失——这一点与 sigmoid + MSE 不同。",
    "pic.bce_eps.title": "对数中带 ε 的二分类交叉熵",
    "pic.bce_eps.caption":
        "目标为 1，预测值 p 趋于 0：自信地预测错。左：损失；右：backward() 算出的 |dL/dp|，横轴都是"
        "对数坐标的 p。虚线是不加 ε 的精确损失，它无限增大（ln 0 = −∞）。每个 ε 把损失封顶在 −ln ε"
        "（9.2、18.4、27.6），把梯度封顶在 1/ε（1e4、1e8、1e12）：ε 小，损失在很小的 p 下仍然精确，"
        "但一个饱和的错误预测会带来巨大的梯度步。目标为 0、p 趋于 1 的情形与此镜像对称。",
    "pic.softmax_jacobian.title": "Softmax 的雅可比矩阵 ∂sᵢ/∂aⱼ",
    "pic.softmax_jacobian.caption":
        "每个格子是 backward() 对笔记中的输入 a = (0.7066, 0.4845, 0.3603) 算出的 ∂sᵢ/∂aⱼ，其 softmax 为 "
        "s = (0.399, 0.319, 0.282)。增大一个输入会增大它自己的概率（对角线 sᵢ(1 − sᵢ) > 0），并降低其他"
        "所有概率（非对角线 −sᵢ·sⱼ < 0）；概率之和恒为 1，所以每一行之和为 0。第 1 行就是笔记中的 "
        "autograd.grad(p[1], [a])：(−0.1273, 0.2173, −0.0900)。",
    "pic.autograd_grad.title": "tg.grad 就是损失的斜率",
    "pic.autograd_grad.caption":
        "笔记中的例子：损失 L(w) = (x·w − y)²，x = 1，y = 1，画成权重的函数。在 w = 2 处，引擎的 "
        "tg.grad(L, w) = 2 就是红色切线的斜率，tg.grad(tg.grad(L, w, create_graph=True), w) = 2 是它的"
        "曲率（二阶导数）。tg.grad 直接返回这些数，不改动 w.grad；backward() 则把它们累加进 w.grad"
        "（调用两次就加两次）。",
    "pic.backprop_vs_gd.title": "误差反向传播与梯度下降",
    "pic.backprop_vs_gd.caption":
        "一个很小的网络的两个权重上，二分类交叉熵损失的等高线。误差反向传播用链式法则沿计算图从损失"
        "走回 w₁ 和 w₂，得到红点处的梯度 ∇L——它什么也不改变。梯度下降随后让权重逆着梯度移动（红色"
        "箭头，lr = 1），到达更低的等高线。橙色路径把两者重复 25 次，终点是星号。",
    "pic.sigmoid_neuron_graph.title": "backward() 之后画出的 y = σ(w·x + b) 的链式法则",
    "pic.sigmoid_neuron_graph.caption":
        "方框是 Value（标签、数值、梯度）；小节点是运算；每条边上是该点的局部导数 ∂out/∂in，取自运算"
        "注册表。沿着从 y 到某个叶子的路径相乘，就得到它的梯度：dy/dw = σ'(z)·x = 0.105 × 1 = 0.105。"
        "这就是误差反向传播：输出的梯度沿每条边流回去。",
    "pic.custom_function.title": "自定义 Function：稳定的 softplus 与直通的 round",
    "pic.custom_function.caption":
        "左：一个 Function，前向用稳定的形式写，反向 σ(x) 手写；在 −6..6 上直接写的计算图 ln(1 + eˣ) "
        "与它一致。中：x 接近 709.78 时 eˣ 超出双精度浮点数的范围，直接写法得不到数（红叉），而 "
        "Function 仍然返回约等于 x 的值。右：round(x) 的导数几乎处处为 0，梯度会在那里中断；Function "
        "可以有意声明另一个 backward（这里是 1，即直通估计）。",
    "pic.gradient_flow_depth.title": "深层 sigmoid 网络中的梯度消失",
    "pic.gradient_flow_depth.caption":
        "一次反向传播之后各层参数的平均 |梯度|，输入层在左，对数坐标。从输出往回，每一个 sigmoid 层"
        "都把梯度乘上 σ'(z) ≤ 0.25：sigmoid 网络最前面几层得到的梯度比最后几层小几千倍，几乎学不动"
        "（梯度消失）。tanh（f'(0) = 1）和 relu（激活时 f' = 1）让梯度大致保持同一量级。",
    "pic.gradient_flow_init.title": "初始化决定梯度的大小",
    "pic.gradient_flow_init.caption":
        "同样的深层网络，三种权重初始化。micrograd 的 uniform(−1, 1) 对 16 个输入来说权重太大：relu "
        "网络的活性值一层层变大，梯度达到约 1e3——这是梯度爆炸而不是梯度消失。Xavier（界 "
        "√(6/(n_in + n_out))，为 tanh 设计）和 He（界 √(6/n_in)，为 relu 设计）让每一层的梯度保持相近的"
        "大小。",
    "pic.two_moons_training.title": "训练曲线",
    "pic.two_moons_training.caption":
        "训练指南中的例子：MLP(2, [16, 16, 1])，Adam，lr = 0.05，全批量训练 30 轮。左：每轮的二分类交叉熵"
        "（对数坐标）；右：训练点中分类正确的比例。每一轮是对全部 100 个点的一次前向计算、一次 "
        "backward()（误差反向传播）和一次 Adam 更新（改进的梯度下降）。",
    "pic.two_moons_boundary.title": "学到的决策边界",
    "pic.two_moons_boundary.caption":
        "背景：训练好的网络在平面上每一点预测的类别（黑线是输出 logit 等于 0 的地方，即 "
        "ŷ = σ(z) = 0.5）；圆点是训练数据，所以标题里的准确率是训练准确率。两个 relu 层把边界弯曲，"
        "绕过交错的两个半月；分错的点会被圈出来。",
    "pic.circles_boundary.title": "学会的两个同心圆",
    "pic.circles_boundary.caption":
        "make_circles 使用默认的内圆半径 0.8。用 micrograd 的 uniform(−1, 1) 初始化、Adam lr = 0.01 "
        "训练 30 轮，网络只停在约 76%（见数值）；换成为 relu 设计的 He 初始化并取 lr = 0.05，"
        "40 轮后训练点全部分对（100%）。决策边界是两圆之间的一条闭合曲线，由 relu 单元给出的直线段拼成。",
    "pic.spiral_boundary.title": "三条螺旋臂，每类一个区域",
    "pic.spiral_boundary.caption":
        "三分类问题：网络有三个输出，即各类的分数，用交叉熵（内含 softmax）训练；平面上每一点取分数最大"
        "的类别。每一类画成自己的区域，所以两条臂之间的边界不会被涂成第三类的细条。He 初始化，"
        "Adam lr = 0.05，60 轮。",
    # 图集页面（index.html）；{字段} 由 tour 填入 HTML
    "page.title": "tinygrad_edu 导览",
    "page.h1": "tinygrad_edu：导览图集",
    "page.intro": "每张图都由引擎算出的数画成（所有导数都来自 {backward}）。点击图片可查看 SVG 版本。"
                  "每个演示打印的数在 {numbers} 里，全部也汇总在 {summary} 中。",
    "page.demo": "演示：{command}（{seconds} 秒）",
    "page.failed": "这个演示失败了：",
    "page.numbers": "数值",
    # demos/backprop_written_out.py and its page (tinygrad_edu.viz.code_html)
    "demo.backprop_written_out.title": "写出来的反向传播：tg.compile 生成的程序",
    "pic.backprop_written_out_graph.title": "神经元的计算图；它的程序在 backprop_written_out.html 里",
    "pic.backprop_written_out_graph.caption":
        "backward() 之后的 L = BCE(σ(w·x + b), 1)。tg.compile 把这张图写成一个 Python 函数"
        "：backprop_written_out.html（与本图同一文件夹）把它语法着色后放在图旁边，逐行对照——"
        "先是前向计算，再是每个梯度一行（d_z = p − 1），每行注释是运算注册表里该运算的局部"
        "导数。",
    "code.page_title": "写出来的反向传播：tg.compile 生成的程序",
    "code.intro":
        "tg.compile(fn, params) 先运行一次 fn，记录它的计算图，再把前向和反向写成一个没有"
        "分支的 Python 函数（step.source）。变量名来自标签；d_v 表示 d(loss)/dv；每条注释"
        "是运算注册表里该运算的公式或局部导数。右边的图是同一个计算，在 backward() 之后画"
        "出。",
    "code.neuron": "笔记里的神经元：L = BCE(σ(w·x + b), 1)",
    "code.neuron_note":
        "对照右边的图自下而上读反向部分：log 的导数通过注册表调用，然后粘贴 sigmoid 的 σ(1"
        " − σ)，mul 把 x 交给 d_w，add 把 d_z 原样交给 d_b。",
    "code.mlp": "两层 MLP（sigmoid 隐藏层和输出）在一个样本上",
    "code.mlp_note": "{ops} 个运算，{lines} 行：反向要再次读取的每个神经元输出一行，每个梯度一行。",
    "code.speed":
        "这段程序比即时执行快多少，在指南的速度一页（docs/speed.md）中实测，并写明命令和机器。",
    "demo.where_nan_starts.title": "NaN 从哪里开始：detect_anomaly",
    "pic.where_nan_starts.title": "NaN 从哪里开始",
    "pic.where_nan_starts.caption":
        "一个自信地预测错误的神经元（y = 0，z 增大）的二分类交叉熵 ∂L/∂z，三种写法。"
        "手写成 log(1 + eᶻ) − y·z 时梯度一直正确，直到 z ≈ 709.78 处 e^z 溢出，"
        "之后为 nan：tg.detect_anomaly() 指出是哪个 exp、由哪一行代码产生。"
        "加 eps = 1e-8 时损失保持有限，但 e⁻ᶻ 小于 eps（z ≈ 18）后梯度消失。"
        "logits 形式在任何 z 处都给出精确的 σ(z) − y = 1。",
    "nan.title": "二分类交叉熵：梯度从哪里开始不再是数",
    "nan.xlabel": "错误预测的净活性值 z（目标 y = 0）",
    "nan.ylabel": "引擎算出的 ∂L/∂z",
    "nan.hand": "手写 log(1 + eᶻ) − y·z（z ≈ 709 之后为 nan）",
    "nan.eps": "log 内加 eps = 1e-8（e⁻ᶻ < eps 即 z ≈ 18 后梯度消失）",
    "nan.logits": "binary_cross_entropy_with_logits：σ(z) − y",
    "nan.overflow": "e^z 溢出：\ndetect_anomaly() 在此停下",
    "demo.from_pytorch_notes.title": "从笔记里的 PyTorch 代码到 tinygrad_edu",
    "pic.from_pytorch_notes.title": "笔记里的 PyTorch 代码，写成标量 Value",
    "pic.from_pytorch_notes.caption":
        "笔记中 torch.linspace 各点，每个元素一个 Value：激活函数值（圆点）和各点的导数（方块）"
        "来自一次 tg.backward，即 out.backward(torch.ones_like(out)) 的标量写法。"
        "在 linspace(−100, 100) 上 sigmoid 在 ±11 之外是平的，所以 float64 下导数也为 0"
        "（梯度消失）。每个 torch 调用旁打印的数与笔记一致到 4 位。",
    "torch.curve": "torch.{op}(linspace) = [v.{op}() ...]",
    "torch.grad": "tg.backward(outs) 得到的导数",
    "torch.panel": "{op}，linspace({lo}, {hi}, 10)",
    "torch.ylabel": "{op}(x) 及其导数",
    "torch.title": "笔记里的 PyTorch 代码，每个元素一个 Value；softmax 的一行 dp[1]/da = {row}",
}
