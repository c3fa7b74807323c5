# Exports the real data sets that Debian's R packages ship to CSV (run by scripts/make_data.sh).
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "data"
suppressMessages(library(modeldata))
data(small_fine_foods, package = "modeldata")
# Amazon fine-food reviews: product id, review text, score ("great" = 5 stars, "other").
reviews <- rbind(cbind(training_data, split = "train"), cbind(testing_data, split = "test"))
write.csv(reviews, file.path(out, "fine_foods_reviews.csv"), row.names = FALSE, fileEncoding = "UTF-8")
cat(sprintf("data: fine_foods_reviews.csv (%d reviews)\n", nrow(reviews)))
