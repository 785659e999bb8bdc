namespace PolicyWatch.Classify;

/// <summary>
/// Platt scaling: fits P(y=1|s) = 1 / (1 + exp(A·s + B)) to classifier scores by Newton's method with a line search,
/// using Platt's smoothed targets (Lin, Lin and Weng's numerically stable formulation).
/// </summary>
public static class PlattScaling
{
    public static (float A, float B) Fit(double[] scores, bool[] labels)
    {
        double prior1 = labels.Count(l => l), prior0 = labels.Length - prior1;
        double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
        var t = labels.Select(l => l ? hi : lo).ToArray();
        double a = 0, b = Math.Log((prior0 + 1) / (prior1 + 1));
        double F(double aa, double bb)
        {
            var f = 0.0;
            for (var i = 0; i < scores.Length; i++)
            {
                var fApB = scores[i] * aa + bb;
                f += fApB >= 0 ? t[i] * fApB + Math.Log(1 + Math.Exp(-fApB)) : (t[i] - 1) * fApB + Math.Log(1 + Math.Exp(fApB));
            }
            return f;
        }
        var fval = F(a, b);
        for (var it = 0; it < 100; it++)
        {
            double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
            for (var i = 0; i < scores.Length; i++)
            {
                var fApB = scores[i] * a + b;
                double p, q;
                if (fApB >= 0) { p = Math.Exp(-fApB) / (1 + Math.Exp(-fApB)); q = 1 / (1 + Math.Exp(-fApB)); }
                else { p = 1 / (1 + Math.Exp(fApB)); q = Math.Exp(fApB) / (1 + Math.Exp(fApB)); }
                var d2 = p * q;
                h11 += scores[i] * scores[i] * d2;
                h22 += d2;
                h21 += scores[i] * d2;
                var d1 = t[i] - p;
                g1 += scores[i] * d1;
                g2 += d1;
            }
            if (Math.Abs(g1) < 1e-5 && Math.Abs(g2) < 1e-5) break;
            var det = h11 * h22 - h21 * h21;
            var dA = -(h22 * g1 - h21 * g2) / det;
            var dB = -(-h21 * g1 + h11 * g2) / det;
            var gd = g1 * dA + g2 * dB;
            var step = 1.0;
            while (step >= 1e-10)
            {
                var newA = a + step * dA;
                var newB = b + step * dB;
                var newF = F(newA, newB);
                if (newF < fval + 1e-4 * step * gd)
                {
                    a = newA; b = newB; fval = newF;
                    break;
                }
                step /= 2;
            }
            if (step < 1e-10) break;
        }
        return ((float)a, (float)b);
    }
}
