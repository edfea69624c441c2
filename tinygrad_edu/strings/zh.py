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
    "boundary.stacked": "{n} 个点重合于此",
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
    "neuron.span": "第 0 步 → 第 {last} 步",
    # demo autograd_grad
    "ag.curve": "L(w) = (x·w − y)²",
    "ag.tangent": "w = {w} 处的切线，斜率 tg.grad = {slope}",
    "ag.point": "w = {w}：L = {L}，dL/dw = {g}，d²L/dw² = {h}",
    "ag.xlabel": "权重 w（x = {x}，目标 y = {y}）",
    "ag.ylabel": "损失 L",
    "ag.title": "梯度就是损失曲线的斜率：w = {w} 处的 tg.grad(L, w)",
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
    "cf.shape_title": "用 Function 写的稳定 softplus，{lo} ≤ x ≤ {hi}",
    "cf.edge_title": "直接写法在哪里失效：x 接近 {limit}",
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
        "蓝线：激活函数 f(x)（净活性值 z 经激活得到活性值 a = f(z)）。红色虚线：导数 f'(x)，在每个采样点由 "
        "backward() 计算，而不是手写公式。黄色阴影：饱和区，从此处向外 |f'(x)| < {thr}。Sigmoid "
        "的导数最大只有 {sig_max}（在 x = {sig_at}），|x| > {sig_edge} 时梯度消失；tanh 的导数最大为 "
        "{tanh_max}，|x| > {tanh_edge} 时梯度消失。ReLU 在 x > 0 时原样传回梯度，在 x ≤ 0 时完全挡住："
        "输入一直落在那里的神经元就是死亡ReLU。Leaky ReLU 按笔记取斜率 {leaky}，左侧仍保留梯度。SiLU 和 "
        "GELU 只在左侧远处饱和；它们在极小值处导数穿过 0，只是一个点，不是平坦区域，因此不画阴影。",
    "pic.activation_loss.title": "单个神经元：三种激活函数 + 损失的组合",
    "pic.activation_loss.caption":
        "只有一个权重 w（z = w·x，x = {x}，目标 y = {y}），从 w = {w0} 开始以 lr = {lr} 做梯度下降。上："
        "每一步的损失（第 0 步是第一次更新之前，第 {last} 步是最后一次更新之后）；"
        "下：该步 backward() 算出的 dL/dw。Sigmoid + "
        "二分类交叉熵一开始就得到 dL/dz = ŷ − y = {g_sig}，稳步学习：L 从 {sig_first} 降到第 {last} 步的 "
        "{sig_last}。Tanh + MSE 起步慢，因为 tanh 在 z = {z0} 处几乎是平的（tanh' = {tanh_d}），随后加快："
        "L 从 {tanh_first} 降到 {tanh_last}。ReLU + MSE 完全不动：relu({z0}) = {relu_out} 且 relu'({z0}) = "
        "{relu_d}，所以每一步 dL/dw = 0，损失一直是 {relu_loss}——这就是死亡ReLU。",
    "pic.bce_gradient.title": "Sigmoid 输出 + 二分类交叉熵：dL/dz = ŷ − y",
    "pic.bce_gradient.caption":
        "圆点：backward() 沿计算图 −[y·log σ(z) + (1 − y)·log(1 − σ(z))] 算出的 dL/dz；实线：公式 ŷ − y。"
        "两者重合：sigmoid 的导数 ŷ(1 − ŷ) 恰好约掉二分类交叉熵导数的分母。梯度就是误差本身：预测对时"
        "接近 0，自信地预测错时接近 ±1；对错误的预测梯度从不消失——这一点与 sigmoid + MSE 不同。",
    "pic.bce_eps.title": "对数中带 ε 的二分类交叉熵",
    "pic.bce_eps.caption":
        "目标为 1，预测值 p 趋于 0：自信地预测错。左：损失；右：backward() 算出的 |dL/dp|，"
        "横轴都是对数坐标的 p。虚线是不加 ε 的精确损失，它无限增大（ln 0 = −∞）。每个 ε 把损失封顶在 −ln "
        "ε（{caps}），把梯度封顶在 1/ε（{grad_caps}）：ε 小，损失在很小的 p 下仍然精确，"
        "但一个饱和的错误预测会带来巨大的梯度步。目标为 0、p 趋于 1 的情形与此镜像对称。",
    "pic.softmax_jacobian.title": "Softmax 的雅可比矩阵 ∂sᵢ/∂aⱼ",
    "pic.softmax_jacobian.caption":
        "每个格子是 backward() 对笔记中的输入 a = {a} 算出的 ∂sᵢ/∂aⱼ，其 softmax 为 s = {s}。"
        "增大一个输入会增大它自己的概率（对角线 sᵢ(1 − sᵢ) > 0），并降低其他所有概率（非对角线 −sᵢ·sⱼ < 0）"
        "；概率之和恒为 1，所以每一行之和为 0。第 {i} 行就是笔记中的 autograd.grad(p[{i}], [a])：{row}。",
    "pic.autograd_grad.title": "tg.grad 就是损失的斜率",
    "pic.autograd_grad.caption":
        "笔记中的例子：损失 L(w) = (x·w − y)²，x = {x}，y = {y}，画成权重的函数。在 w = {w} 处，引擎的 "
        "tg.grad(L, w) = {g} 就是红色切线的斜率，tg.grad(tg.grad(L, w, create_graph=True), w) = {h} "
        "是它的曲率（二阶导数）。tg.grad 直接返回这些数，不改动 w.grad；backward() 则把它们累加进 "
        "w.grad（调用两次就加两次）。",
    "pic.backprop_vs_gd.title": "误差反向传播与梯度下降",
    "pic.backprop_vs_gd.caption":
        "一个很小的网络的两个权重上，二分类交叉熵损失的等高线。误差反向传播用链式法则沿计算图从损失走回 w₁ "
        "和 w₂，得到红点处的梯度 ∇L——它什么也不改变。梯度下降随后让权重逆着梯度移动（红色箭头，lr = {lr}）"
        "，到达更低的等高线：L 从 {before} 降到 {after}。橙色路径把两者重复 {steps} 次，终点是星号（L = "
        "{end}）。",
    "pic.sigmoid_neuron_graph.title": "backward() 之后画出的 y = σ(w·x + b) 的链式法则",
    "pic.sigmoid_neuron_graph.caption":
        "方框是 Value（标签、数值、梯度）；小节点是运算；每条边上是该点的局部导数 ∂out/∂in，"
        "取自运算注册表。沿着从 y 到某个叶子的路径相乘，就得到它的梯度：dy/dw = σ'(z)·x = {dz} × {x} = "
        "{dw}。这就是误差反向传播：输出的梯度沿每条边流回去。",
    "pic.custom_function.title": "自定义 Function：稳定的 softplus 与直通的 round",
    "pic.custom_function.caption":
        "左：一个 Function，前向用稳定的形式写，反向 σ(x) 手写；在 {lo}..{hi} 上直接写的计算图 ln(1 + eˣ) "
        "与它一致。中：x 超过 {limit} 时 eˣ 超出双精度浮点数的范围，直接写法得不到数（红叉），而 Function "
        "仍然返回约等于 x 的值。右：round(x) 的导数几乎处处为 0，梯度会在那里中断；Function "
        "可以有意声明另一个 backward（这里是 1，即直通估计）。",
    "pic.gradient_flow_depth.title": "深层 sigmoid 网络中的梯度消失",
    "pic.gradient_flow_depth.caption":
        "一次反向传播之后各层参数的平均 |梯度|，输入层在左，对数坐标。从输出往回，每一个 sigmoid "
        "层都把梯度乘上 σ'(z) ≤ {sig_max}：{depth} 层 sigmoid 网络的第一层得到的梯度只有最后一层的 "
        "{sig_ratio} 倍（tanh：{tanh_ratio}，relu：{relu_ratio}），几乎学不动（梯度消失）。tanh（f'(0) = "
        "1）和 relu（激活时 f' = 1）让梯度大致保持同一量级。",
    "pic.gradient_flow_init.title": "初始化决定梯度的大小",
    "pic.gradient_flow_init.caption":
        "同样的深层网络，三种权重初始化。micrograd 的 uniform(−1, 1) 对 {width} 个输入来说权重太大：relu "
        "网络的活性值一层层变大，梯度达到约 {relu_peak}——这是梯度爆炸而不是梯度消失。Xavier（界 √(6/(n_in "
        "+ n_out))，为 tanh 设计）和 He（界 √(6/n_in)，为 relu 设计）让每一层的梯度保持相近的大小。",
    "pic.two_moons_training.title": "训练曲线",
    "pic.two_moons_training.caption":
        "训练指南中的例子：{model}，Adam，lr = {lr}，全批量训练 {epochs} 轮。左："
        "每轮的二分类交叉熵（对数坐标）；右：训练点中分类正确的比例（最后一轮后为 {acc}）。每一轮是对全部 "
        "{n} 个点的一次前向计算、一次 backward()（误差反向传播）和一次 Adam 更新（改进的梯度下降）。",
    "pic.two_moons_boundary.title": "学到的决策边界",
    "pic.two_moons_boundary.caption":
        "背景：训练好的网络在平面上每一点预测的类别（黑线是输出 logit 等于 0 的地方，即 "
        "ŷ = σ(z) = 0.5）；圆点是训练数据，所以标题里的准确率是训练准确率。两个 relu 层把边界弯曲，"
        "绕过交错的两个半月；分错的点会被圈出来。",
    "pic.circles_boundary.title": "学会的两个同心圆",
    "pic.circles_boundary.caption":
        "make_circles 使用默认的内圆半径 {factor}。用 micrograd 的 uniform(−1, 1) 初始化、Adam lr = {lr0} "
        "训练 {epochs0} 轮，网络只分对 {acc0} 的训练点；换成为 relu 设计的 He 初始化并取 lr = {lr1}，"
        "{epochs1} 轮后达到 {acc1}。决策边界是两圆之间的一条闭合曲线，由 relu 单元给出的直线段拼成。",
    "pic.spiral_boundary.title": "三条螺旋臂，每类一个区域",
    "pic.spiral_boundary.caption":
        "{k} 分类问题：网络有 {k} 个输出，即各类的分数，用交叉熵（内含 softmax）训练；"
        "平面上每一点取分数最大的类别。每一类画成自己的区域，边界画在两类分数相等处，"
        "所以两条臂之间的边界不会被涂成另一类的细条。{k} 条臂都从 (0, 0) 出发："
        "这一点上每一类各有一个点，无论那里预测成哪一类，都有 {n_origin} 个点分错（那里只画了一个圈）"
        "。He 初始化，Adam lr = {lr}，{epochs} 轮：训练准确率 {acc}。",
    # 图集页面（index.html）；{字段} 由 tour 填入 HTML
    "page.title": "tinygrad_edu 导览",
    "page.h1": "tinygrad_edu：导览图集",
    "page.intro": "每张图都由引擎算出的数画成（所有导数都来自 {backward}）。点击图片可查看 SVG 版本。"
                  "每个演示打印的数在 {numbers} 里，全部也汇总在 {summary} 中。",
    "page.demo": "演示：{command}（{seconds} 秒）",
    "page.failed": "这个演示失败了：",
    "page.numbers": "数值",
    "page.open": "打开与本图同一文件夹的 {link}。",
    # demos/backprop_written_out.py and its page (tinygrad_edu.viz.code_html)
    "demo.backprop_written_out.title": "写出来的反向传播：tg.compile 生成的程序",
    "pic.backprop_written_out_graph.title": "神经元的计算图；它的程序在 backprop_written_out.html 里",
    "pic.backprop_written_out_graph.caption":
        "backward() 之后的 L = BCE(σ(w·x + b), 1)。tg.compile 把这张图写成一个 Python 函数"
        "：backprop_written_out.html（与本图同一文件夹）把它语法着色后放在图旁边，逐行对照——"
        "先是前向计算，再是每个梯度一行（d_z = p − 1），每行注释是运算注册表里该运算的局部"
        "导数。",
    "code.scroll_hint": "这张图比页面宽：横向滚动可以看到其余部分。",
    "code.page_title": "写出来的反向传播：tg.compile 生成的程序",
    "code.intro":
        "tg.compile(fn, params) 先运行一次 fn，记录它的计算图，再把前向和反向写成一个没有"
        "分支的 Python 函数（step.source）。标签若是普通标识符就作变量名，其他标签写在"
        "生成的变量名（p0、t5）旁的注释里；d_v 表示 d(loss)/dv；每条注释"
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
        "一个自信地预测错误的神经元（y = 0，z 增大；z 轴为对数坐标）的二分类交叉熵 ∂L/∂z，三种写法。"
        "手写成 log(1 + eᶻ) − y·z 时梯度一直正确，直到 z ≈ {limit} 处 eᶻ 溢出，之后为 nan："
        "tg.detect_anomaly() 指出是哪个 exp、由哪一行代码产生。加 eps = {eps} 时损失保持有限，但 e⁻ᶻ "
        "小于 eps（z ≈ {vanish}）后梯度下降：该处为 {at_vanish}，z ≈ {dead} 之后为 0。logits "
        "形式在任何 z 处都给出精确的 σ(z) − y（z = {z_start} 时为 {at_start}，z ≈ {dead} 之后为 "
        "{at_end}）。",
    "nan.title": "二分类交叉熵：梯度从哪里开始不再是数",
    "nan.xlabel": "错误预测的净活性值 z（目标 y = 0）",
    "nan.ylabel": "引擎算出的 ∂L/∂z",
    "nan.hand": "手写 log(1 + eᶻ) − y·z（z ≈ {limit} 之后为 nan）",
    "nan.eps": "log 内加 eps = {eps}（e⁻ᶻ < eps 即 z ≈ {vanish} 后梯度消失）",
    "nan.logits": "binary_cross_entropy_with_logits：σ(z) − y",
    "nan.overflow": "eᶻ 溢出：\ndetect_anomaly() 在此停下",
    "demo.from_pytorch_notes.title": "从笔记里的 PyTorch 代码到 tinygrad_edu",
    "pic.from_pytorch_notes.title": "笔记里的 PyTorch 代码，写成标量 Value",
    "pic.from_pytorch_notes.caption":
        "笔记中 torch.linspace 各点，每个元素一个 Value：激活函数值（圆点）和各点的导数（方块）来自一次 "
        "tg.backward，即 out.backward(torch.ones_like(out)) 的标量写法。在 linspace({lo}, {hi}) 上，"
        "sigmoid 在 x = ±{x_small} 处的导数是 {d_small}：很小，但不是 0。float64 下只有 σ(x) 舍入为 1 "
        "的地方导数才恰好为 0，即 x ≥ {zero_from}；左侧导数一直为正（x = {x_left} 处为 {d_left}）。每个 "
        "torch 调用旁打印的数与笔记一致到 {digits} 位。",
    "torch.curve": "torch.{op}(linspace) = [v.{op}() ...]",
    "torch.grad": "tg.backward(outs) 得到的导数",
    "torch.panel": "{op}，linspace({lo}, {hi}, {n})",
    "torch.ylabel": "{op}(x) 及其导数",
    "torch.title": "笔记里的 PyTorch 代码，每个元素一个 Value；softmax 的一行 dp[1]/da = {row}",
    # 计算图（tinygrad_edu.viz.graph）：方框里的词、脚注、提示
    "graph.data": "数据",
    "graph.grad": "梯度",
    "graph.const": "常数",
    "graph.inputs": "输入",
    "graph.note_local": "边进入运算处的数字是局部导数 ∂输出/∂输入，"
                        "所以 输入的梯度 = Σ 输出的梯度 × 这个数字",
    "graph.note_ref": "虚线名字框：在别处画出的同一个 Value，为免一条长边而在用到它的地方重复画出",
    "graph.note_color": "颜色：|梯度| 取对数刻度，低于最大值（{largest}）的 1e-{decades} 倍为白色，"
                        "最大处为红色",
    "graph.note_no_backward": "所有梯度都是 0：还没做反向传播？对输出调用 .backward() 来填入梯度",
    "graph.tip_local": "局部导数 = {value}",
    "graph.tip_ref": "{name}：与方框 {name} 是同一个 Value，为免一条长边在此重复画出",
    # explain（tinygrad_edu.viz.explain），文本与 Markdown
    "explain.with": "其中 {values}",
    "explain.more_inner": "… 另有 {n} 个中间值",
    "explain.more_items": "…（另有 {n} 个）",
    "explain.more": "另有 {n} 个",
    "explain.rules": "局部导数（来自运算注册表）：",
    "explain.rules_md": "局部导数（来自运算注册表）：",
    "explain.argument": "（第 {k} 个参数）",
    "explain.argument_tex": r"\text{{第 }}{k}\text{{ 个参数}}",  # LaTeX
    "explain.paths": "共 {n} 条路径之和，因为 {x} 被用到不止一次：",
    "explain.more_paths": "… 另有 {n} 条路径未列出（{hint}）",
    "explain.hint_all": "{code} 会全部列出",
    "explain.hint_many": "太多，无法列出",
    "explain.total": "是全部 {n} 条路径之和（误差反向传播的结果：逐个节点把路径加起来）",
    "explain.itself": "（{name} 就是输出本身）",
    "explain.constant": "{name} = {value} 是常数（不需要梯度）：没有链式法则可展示",
    # 反向传播逐步演示页（tinygrad_edu.viz.html）
    "steps.start_title": "开始：前向传播已算出每个值；设定初值 梯度({r}) = d{r}/d{r} = 1",
    "steps.start_line": "误差反向传播现在从输出往回、逐个访问节点直到输入。访问一个节点时它的梯度已是最终值，"
                        "它把 梯度(节点) × ∂节点/∂输入 加到每个输入的梯度上。",
    "steps.node_line": "{name} = {op}；梯度({name}) = {g} 已是最终值。{symbol} 的局部导数：{derivative}",
    "steps.constant": "{x} 是常数：不需要梯度",
    "steps.update": "梯度({x}) += 梯度({name}) × ∂{name}/∂{x} = {g} × {d} = {c}",
    "steps.running": "   → 梯度({x}) = {before} {sign} = {after}",
    "steps.step_title": "第 {step} 步（共 {n} 步）：访问 {name} = {op}",
    "steps.done_title": "完成：每个梯度都已是最终值",
    "steps.done_line": "d{r}/d{x} = 梯度({x}) = {g}",
    "steps.heading": "{name} 的误差反向传播，逐个节点",
    "steps.intro": "每一步访问一个节点，从输出开始。此时它的梯度已是最终值，链式法则把它传下去："
                   "梯度(输入) += 梯度(节点) × ∂节点/∂输入，其中局部导数 ∂节点/∂输入 "
                   "就是该输入的边进入运算处的那个小数字。",
    "steps.first": "« 第一步",
    "steps.prev": "◀ 上一步",
    "steps.play": "▶ 播放",
    "steps.pause": "⏸ 暂停",
    "steps.next": "下一步 ▶",
    "steps.last": "最后 »",
    "steps.first_tip": "第一帧（Home）",
    "steps.prev_tip": "上一帧（←）",
    "steps.play_tip": "播放 / 暂停（空格）",
    "steps.next_tip": "下一帧（→）",
    "steps.last_tip": "最后一帧（End）",
    "steps.speed": "速度",
    "steps.fast": "快",
    "steps.normal": "中",
    "steps.slow": "慢",
    "steps.counter_start": "开始，第 1 步之前（共 {n} 步）",
    "steps.counter_step": "第 {k} 步（共 {n} 步）",
    "steps.counter_done": "完成：共 {n} 步",
    "steps.graph_click": "点击：原始大小 / 适应窗口",
    "steps.legend": "红色边框：正在访问的节点及其边。蓝色边框和红色数字：这一步改变的梯度。"
                    "— ：梯度尚未到达。",
    "steps.iframe_title": "{name} 的误差反向传播逐步演示页",
    "jupyter.not_drawn": "（图未画出：{why}）",
    "jupyter.too_many": "它有 {n} 个 Value，超过了在笔记本里直接显示的上限 {cap} 个；"
                        "调用 `{code}` 把它画到文件里",
    "jupyter.timeout": "Graphviz 排布它的 {n} 个 Value 用了 {seconds} 秒还没完成；用 `{code}` 把它画到文件里",
    "jupyter.no_dot": "没有安装 Graphviz 的 `dot` 程序（Debian/Ubuntu：`apt-get install graphviz`；"
                      "macOS：`brew install graphviz`）",
    "jupyter.failed": "画图时出错：{error}",
}
